/**
 * Finds the links of Markdown documents that do not resolve: a relative path that
 * names no file or folder of the repository, leaves the repository, or points at a
 * heading (`file.md#anchor`) that the target does not have. Web links (`https:`,
 * `mailto:`) are not followed. Code blocks and code spans are not links.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** One link that does not resolve, and why. */
export interface BrokenLink {
  readonly file: string;
  readonly target: string;
  readonly reason: string;
}

const WEB = /^[a-z][a-z0-9+.-]*:/i;

/** Folders that hold installed, built or generated files, not the repository's documents. */
const NOT_DOCUMENTS = new Set(['node_modules', 'out', 'cdk.out']);

/**
 * Every Markdown file under `root`, as paths relative to it, skipping hidden folders
 * and installed or built output.
 */
export function markdownFiles(root: string, dir = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !NOT_DOCUMENTS.has(entry.name))
        files.push(...markdownFiles(root, path));
    } else if (entry.name.endsWith('.md')) {
      files.push(path);
    }
  }
  return files.sort();
}

/** Markdown without fenced code blocks and code spans, which hold text, never links. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/**
 * The link targets of a document, in order: inline links and images `[text](target)`
 * and reference definitions `[label]: target`.
 * @example linksOf('See [the API](docs/api.md#signing).') // ['docs/api.md#signing']
 */
export function linksOf(markdown: string): string[] {
  const text = withoutCode(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string);
  const references = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map(
    (m) => m[1] as string,
  );
  return [...inline, ...references];
}

/**
 * The anchors GitHub gives a document's headings: lower case, punctuation dropped,
 * spaces to hyphens, a repeated slug numbered `-1`, `-2`…
 * @example headingAnchors('## Faults and healing') // Set { 'faults-and-healing' }
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of withoutCode(markdown.replace(/`/g, '')).matchAll(
    /^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$/gm,
  )) {
    const slug = (match[1] as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = slug;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${slug}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/**
 * Every link of `file` (a path inside `root`) that does not resolve.
 * @example brokenLinks('/repo/README.md', '/repo') // [] when every link is good
 */
export function brokenLinks(file: string, root: string): BrokenLink[] {
  const markdown = readFileSync(file, 'utf8');
  const name = relative(root, file);
  const broken: BrokenLink[] = [];
  for (const target of linksOf(markdown)) {
    if (WEB.test(target)) continue;
    const hash = target.indexOf('#');
    const path = decodeURI(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : target.slice(hash + 1);
    if (isAbsolute(path)) {
      broken.push({ file: name, target, reason: 'an absolute path; links are relative to the file' });
      continue;
    }
    const resolved = path === '' ? file : resolve(dirname(file), path);
    const inside = relative(root, resolved);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      broken.push({ file: name, target, reason: 'leaves the repository' });
    } else if (!existsSync(resolved)) {
      broken.push({ file: name, target, reason: 'no such file or folder' });
    } else if (anchor !== undefined && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      if (!headingAnchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor))) {
        broken.push({ file: name, target, reason: `no heading with anchor #${anchor}` });
      }
    }
  }
  return broken;
}
