// Waiting in tests for something another process, worker or server does: poll a condition, fail
// with what was awaited after a time-out. Never for time itself to pass (see test/helpers/clock.ts).
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
