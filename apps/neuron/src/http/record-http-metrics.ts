import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { NeuronMetrics } from "../metrics/neuron-metrics.js";

/** Counts each request by its route pattern (never the raw path) and status. */
export function recordHttpMetrics(metrics: NeuronMetrics): MiddlewareHandler {
  return async function recordRequest(c, next) {
    const started = performance.now();
    await next();
    const route = c.res.status === 404 && c.error === undefined ? "unmatched" : routePath(c);
    metrics.httpRequest(route, c.req.method, c.res.status, (performance.now() - started) / 1000);
  };
}
