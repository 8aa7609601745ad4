// A clock a test moves by hand, for the worker's `now` option: leases run out and back-offs end when
// the test says so, not after a sleep that a loaded machine can overrun.
export interface TestClock {
  /** The time the clock shows (pass as WorkerOptions.now). */
  now: () => Date;
  /** Moves the clock forward. */
  advance(ms: number): void;
}

export function testClock(start: Date = new Date()): TestClock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance(ms) {
      at += ms;
    },
  };
}
