/**
 * `bench/results/README.md` holds one section per benchmark, each between its own
 * markers, so that every benchmark rewrites only its own section.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const HEADER = [
  '# Benchmark results',
  '',
  'Each `<bench>-<date>.json` beside this file is one full run with every raw number; each section',
  'below is rewritten by its benchmark with its latest full run.',
  '',
].join('\n');

/** Replaces (or appends) the section named `name` of the results README in `dir`. */
export function writeReadmeSection(dir: URL, name: string, markdown: string): void {
  const file = new URL('README.md', dir);
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
