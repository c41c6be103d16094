/**
 * The README is the front door and `docs/` holds one document per concern: every
 * relative link in them, and in every other Markdown file of the repository, must lead
 * somewhere inside it, and the README must stay a front door. The checker itself is
 * tested on scratch files first.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokenLinks, headingAnchors, linksOf, markdownFiles } from '../markdown-links.js';

const ROOT = join(__dirname, '..', '..');

describe('linksOf', () => {
  it('finds inline links, images and reference definitions, not code', () => {
    // Prepare
    const markdown = [
      'See [the API](docs/api.md#signing "title") and ![chart](img/chart.png).',
      '[ref]: ../outside.md',
      'Inline `[not](a-link.md)` code.',
      '```',
      '[not](a-link-either.md)',
      '```',
    ].join('\n');

    // Act
    const links = linksOf(markdown);

    // Assess
    expect(links).toEqual(['docs/api.md#signing', 'img/chart.png', '../outside.md']);
  });
});

describe('headingAnchors', () => {
  it('slugs headings as GitHub does, numbering repeats', () => {
    const anchors = headingAnchors(
      '# Exchange\n## Local cloud (`npm run bench:localcloud`)\n### What a connection costs against `@connections`\n## Notes\n## Notes\n',
    );

    expect([...anchors]).toEqual([
      'exchange',
      'local-cloud-npm-run-benchlocalcloud',
      'what-a-connection-costs-against-connections',
      'notes',
      'notes-1',
    ]);
  });
});

describe('brokenLinks', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'markdown-links-'));
    mkdirSync(join(scratch, 'docs'));
    writeFileSync(join(scratch, 'docs', 'api.md'), '# API\n## Signing\n');
    writeFileSync(
      join(scratch, 'README.md'),
      [
        '[good](docs/api.md) [folder](docs) [anchor](docs/api.md#signing) [here](#readme)',
        '[web](https://example.com/x) [mail](mailto:ops@example.com)',
        '[missing](docs/nope.md) [outside](../DESIGN.md) [bad anchor](docs/api.md#limits)',
        '# Readme',
      ].join('\n'),
    );
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports exactly the links that do not resolve, with why', () => {
    // Act
    const broken = brokenLinks(join(scratch, 'README.md'), scratch);

    // Assess
    expect(broken).toEqual([
      { file: 'README.md', target: 'docs/nope.md', reason: 'no such file or folder' },
      { file: 'README.md', target: '../DESIGN.md', reason: 'leaves the repository' },
      { file: 'README.md', target: 'docs/api.md#limits', reason: 'no heading with anchor #limits' },
    ]);
  });
});

describe('the documentation', () => {
  const documents = markdownFiles(ROOT);

  it('includes the README and docs/', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', join('docs', 'api.md')]));
  });

  it.each(documents)('%s links only to what exists in the repository', (document) => {
    expect(brokenLinks(join(ROOT, document), ROOT)).toEqual([]);
  });

  it('keeps the README a front door: at most 200 lines', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;

    expect(lines).toBeLessThanOrEqual(200);
  });
});
