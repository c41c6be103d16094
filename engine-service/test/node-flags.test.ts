/**
 * The engine's Node flags are declared once (`ENGINE_NODE_FLAGS`); the two places that
 * cannot import them, the container image and `npm run engine`, must spell the same.
 * No network.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_NODE_FLAGS } from '@exchange/protocol';

const SERVICE_DIR = join(__dirname, '..');

describe('the engine service runs with ENGINE_NODE_FLAGS', () => {
  it('in the container image: the Dockerfile CMD is node, the flags, the bundle', () => {
    // Prepare
    const dockerfile = readFileSync(join(SERVICE_DIR, 'Dockerfile'), 'utf8');

    // Act: the last CMD, in exec form.
    const cmd = dockerfile
      .split('\n')
      .filter((line) => line.startsWith('CMD '))
      .at(-1);
    const argv = JSON.parse((cmd ?? 'CMD null').slice(4)) as unknown;

    // Assess
    expect(argv).toEqual(['node', ...ENGINE_NODE_FLAGS, 'engine.mjs']);
  });

  it('under npm run engine: the start script passes the flags to node', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(join(SERVICE_DIR, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };

    // Act
    const argv = manifest.scripts.start?.split(' ');

    // Assess
    expect(argv).toEqual(['node', ...ENGINE_NODE_FLAGS, '--import', 'tsx', 'src/main.ts']);
  });
});
