/** `stall_timeout_secs`' default, in ms. */
export const defaultStallTimeoutMs = 30_000;

/**
 * How often a worker sends a heartbeat: a quarter of the stall timeout, at most once a second, so that a
 * few late beats (a busy machine) never add up to a stall.
 */
export function heartbeatIntervalMs(stallTimeoutMs: number = defaultStallTimeoutMs): number {
  return Math.max(10, Math.min(1_000, Math.floor(stallTimeoutMs / 4)));
}
