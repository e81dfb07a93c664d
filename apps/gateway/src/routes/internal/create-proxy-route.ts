import { readRequestText } from "@helexa/core";
import { Hono } from "hono";
import type { UpstreamRoute } from "../../dispatch/dispatch.js";
import type { AppEnv } from "../../internal/app-env.js";
import { arrivalTime, closeSignal } from "../../server/create-api-server.js";
import type { ServePassThrough } from "../serve-pass-through.js";

/**
 * The Hono adapter of the pass-through core: a sub-app with one `POST route` that hands the request to
 * `serve` and returns its `Response` (so the app's middleware, CORS for browsers, sees it). Production
 * clients without an `Origin` are served by the Node adapter (`createDirectProxy`) before the app.
 */
export function createProxyRoute(route: UpstreamRoute, serve: ServePassThrough) {
  return new Hono<AppEnv>().post(route, async (c) => {
    const env = c.env as AppEnv["Bindings"] | undefined;
    const served = await serve(
      {
        route,
        headers: env?.incoming?.headers ?? c.req.raw.headers,
        readBody: (maxBytes) => readRequestText(c.req.raw, maxBytes),
        identify: () => c.get("identity") ?? null,
        // Before the body is read, so a client gone during the read is seen.
        signal: env?.outgoing !== undefined ? closeSignal(env.outgoing) : c.req.raw.signal,
        startedAt: arrivalTime(env?.incoming, performance.now()),
      },
      {},
    );
    return served as Response;
  });
}
