/**
 * The unit tier's rule holds: this file is a unit test (listed in no other tier of
 * jest.config.js), so it runs in scripts/jest-unit-environment.cjs, where a connection,
 * a listening port or a child process is refused with a message naming the fix.
 */
import { execFileSync, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

const REFUSED = /a unit test must not .*list this test file in another tier/;

describe('the unit tier', () => {
  it('refuses to listen on a port', () => {
    const server = createServer();
    expect(() => server.listen(0, '127.0.0.1')).toThrow(REFUSED);
  });

  it('refuses to open a connection', () => {
    expect(() => connect(6379, '127.0.0.1')).toThrow(REFUSED);
  });

  it('refuses to start a process', () => {
    expect(() => spawn(process.execPath, ['--version'])).toThrow(REFUSED);
    expect(() => execFileSync(process.execPath, ['--version'])).toThrow(REFUSED);
  });
});
