import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";

/** `GET /metrics`: Prometheus text exposition of the injected registry. */
export function metricsRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().get("/metrics", async (c) => {
    const body = await deps.metricsRegistry.metrics();
    return c.body(body, 200, { "content-type": deps.metricsRegistry.contentType });
  });
}
