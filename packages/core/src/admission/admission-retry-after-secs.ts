/** Lower bound of the admission `Retry-After`, in seconds. */
export const MIN_ADMISSION_RETRY_AFTER_SECS = 1;
/** Upper bound of the admission `Retry-After`, in seconds. */
export const MAX_ADMISSION_RETRY_AFTER_SECS = 120;

/**
 * `Retry-After` seconds for a request refused by admission (queue full or wait timed out):
 * `(queueDepth + 1) * 2`, clamped to 1..120, computed at rejection time. The
 * deeper the queue, the longer a client should back off; a full default queue (8) gives 18.
 * Negative or non-finite depths count as 0.
 */
export function admissionRetryAfterSecs(queueDepth: number): number {
  const depth = Number.isFinite(queueDepth) ? Math.max(0, Math.floor(queueDepth)) : 0;
  return Math.min(MAX_ADMISSION_RETRY_AFTER_SECS, Math.max(MIN_ADMISSION_RETRY_AFTER_SECS, (depth + 1) * 2));
}
