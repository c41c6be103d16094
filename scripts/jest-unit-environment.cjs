/**
 * The unit tier's test environment (jest.config.js): Node's, with the tier's rule
 * enforced. A unit test opens no connection, listens on no port and starts no process;
 * one that does belongs to the integration tier, and fails here with a message that
 * says so.
 *
 * Node's built-in modules are shared by every test file a Jest worker runs, so the
 * guards go in before the test file loads and come out after it, whatever happened.
 */
const net = require('node:net');
const childProcess = require('node:child_process');
const { TestEnvironment } = require('jest-environment-node');

const GUARDED = [
  [net.Socket.prototype, 'connect', 'open a connection'],
  [net.Server.prototype, 'listen', 'listen on a port'],
  ...['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync'].map((name) => [
    childProcess,
    name,
    'start a process',
  ]),
];

const refusal = (what) => () => {
  throw new Error(
    `a unit test must not ${what}: list this test file in another tier (jest.config.js, TIERS)`,
  );
};

class UnitTierEnvironment extends TestEnvironment {
  #originals = [];

  async setup() {
    await super.setup();
    this.#originals = GUARDED.map(([owner, name]) => owner[name]);
    for (const [owner, name, what] of GUARDED) owner[name] = refusal(what);
  }

  async teardown() {
    GUARDED.forEach(([owner, name], i) => {
      owner[name] = this.#originals[i];
    });
    await super.teardown();
  }
}

module.exports = UnitTierEnvironment;
