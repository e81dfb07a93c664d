/**
 * Milliseconds since the epoch with sub-millisecond resolution. Comparable across processes on one machine,
 * which is how the streaming benchmark relates the stub's write time to the client's arrival time.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
