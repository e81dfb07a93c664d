import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { AppEnv } from "../internal/app-env.js";
import { stampArrival } from "../internal/arrival-time.js";
import type { DirectListener } from "./create-direct-proxy.js";
import { normalizeRequestPath } from "./normalize-request-path.js";

/** What the API server serves: the Hono app, and optionally a fast path tried first. */
export interface ApiHandlers {
  app: Hono<AppEnv>;
  serveDirect?: DirectListener;
}

/**
 * The HTTP server for cortex's API. Each request's arrival time is stamped first (the start of
 * `Server-Timing`) and its path made canonical (`normalizeRequestPath`); the OpenAI pass-through routes are served by `serveDirect` on Node's own request and
 * response; everything else goes through @hono/node-server's listener and the app.
 */
export function createApiServer(handlers: ApiHandlers): Server {
  const listener = getRequestListener(handlers.app.fetch);
  const direct = handlers.serveDirect;
  return createServer((incoming, outgoing) => {
    stampArrival(incoming);
    if (incoming.url !== undefined) incoming.url = normalizeRequestPath(incoming.url);
    if (direct?.(incoming, outgoing) === true) return;
    void listener(incoming, outgoing);
  });
}
