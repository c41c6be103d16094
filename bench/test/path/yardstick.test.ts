import { measureYardstick } from '../../src/path/yardstick.js';

describe('measureYardstick (a real child process over loopback TCP)', () => {
  it('echoes every message and reads a round trip and the CPU both processes spent on it', async () => {
    // Act
    const yardstick = await measureYardstick(200, 1);

    // Assess
    expect(yardstick.messages).toBe(200);
    expect(yardstick.roundTripP50Us).toBeGreaterThan(0);
    expect(yardstick.cpuUsPerMessage).toBeGreaterThan(0);
  });
});
