import type { IncomingMessage } from "node:http";

const ARRIVED_AT = Symbol("helexa.arrivedAt");

type Stamped = IncomingMessage & { [ARRIVED_AT]?: number };

/**
 * Records `performance.now()` on a request the moment cortex's HTTP listener receives it (headers parsed,
 * before Hono builds anything), so `Server-Timing` and the overhead histogram start where cortex does.
 */
export function stampArrival(incoming: IncomingMessage): void {
  (incoming as Stamped)[ARRIVED_AT] = performance.now();
}

/** When `stampArrival` saw this request, or `fallback` (a request that did not come through the listener). */
export function arrivalTime(incoming: IncomingMessage | undefined, fallback: number): number {
  return (incoming as Stamped | undefined)?.[ARRIVED_AT] ?? fallback;
}
