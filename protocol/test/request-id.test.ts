import { newRequestId, requestIdTime } from '../src/request-id.js';

describe('request ids', () => {
  it('are UUIDs version 7 that carry the time they were made at', () => {
    // Prepare
    const before = Date.now();

    // Act
    const id = newRequestId();

    // Assess
    const made = requestIdTime(id) as number;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(made).toBeGreaterThanOrEqual(before);
    expect(made).toBeLessThanOrEqual(Date.now());
  });

  it('are distinct and rise in the order they were made', () => {
    const ids = Array.from({ length: 1_000 }, () => newRequestId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('read no time from an id of another form', () => {
    expect(
      [
        'f47ac10b-58cc-4372-a567-0e02b2c3d479',
        '0190a4f2-1c3e-7b2a-7c4d-5e6f7a8b9c0d',
        '0190a4f2-1c3e-7b2a-9c4d-5e6f7a8b9c0d-x',
        'r-1',
        '',
      ].map(requestIdTime),
    ).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(requestIdTime('0190a4f2-1c3e-7b2a-9c4d-5e6f7a8b9c0d')).toBe(0x0190a4f21c3e);
  });
});
