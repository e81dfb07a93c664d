import type { FinishContext } from "./finish-response.js";

/**
 * `Server-Timing: cortex;dur=<ms>` and the overhead histogram: cortex's own time on this request. The
 * window runs from the moment cortex's HTTP listener received the request (headers parsed; `startedAt`)
 * to now, just before the response headers are written, minus every wait on a neuron: cold loads, earlier
 * attempts, the wait for this attempt's headers and, for a body read whole, the read. It counts body
 * reading, routing, budget checks, request building and header conversion; it leaves out the kernel and
 * Node's HTTP parsing before the listener and the write of the response after this point.
 */
export function stampOverhead(
  headers: Record<string, string>,
  context: FinishContext,
  headersAt: number,
  bodyReadMs = 0,
): void {
  const upstreamWait = headersAt - context.attemptStartedAt;
  const overheadMs = Math.max(
    0,
    performance.now() - context.startedAt - context.waitedMs - upstreamWait - bodyReadMs,
  );
  const timing = `cortex;dur=${overheadMs.toFixed(3)}`;
  const existing = headers["server-timing"];
  headers["server-timing"] = existing === undefined ? timing : `${existing}, ${timing}`;
  context.metrics.gatewayOverhead.observe({ route: context.route }, overheadMs / 1000);
}
