import { createServer, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { AppEnv } from "../internal/app-env.js";
import { stampArrival } from "../internal/arrival-time.js";

/**
 * The HTTP server for cortex's API: @hono/node-server's listener, with each request's arrival time stamped
 * first (the start of `Server-Timing`). Proxied replies are written straight to the Node response from
 * there (see `DispatchRequest.outgoing`); everything else goes through Hono's `Response` conversion.
 */
export function createApiServer(app: Hono<AppEnv>): Server {
  const listener = getRequestListener(app.fetch);
  return createServer((incoming, outgoing) => {
    stampArrival(incoming);
    void listener(incoming, outgoing);
  });
}
