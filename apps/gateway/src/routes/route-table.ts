import type { Hono } from "hono";
import type { UpstreamRoute } from "../dispatch/dispatch.js";
import type { AppEnv } from "../internal/app-env.js";

/**
 * The OpenAI routes whose body passes through to a neuron unchanged (chat completions, completions,
 * Responses, and llama.cpp's fill-in-the-middle `/infill`, which editor plugins call). Both adapters of the
 * pass-through core serve exactly these: the Node one (`createDirectProxy`) for clients without an `Origin`,
 * the Hono one (`createProxyRoute`) for browsers.
 */
export const PASS_THROUGH_ROUTES: ReadonlySet<UpstreamRoute> = new Set<UpstreamRoute>([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/responses",
  "/infill",
]);

/** Methods probed when a request matched no route, to tell a wrong method (405) from an unknown path. */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * The method(s) the app's own routes take on `path`, other than `method`; empty when no route has that
 * path. The app's router is the table: a route mounted with `app.route` gets its 405 without a list to
 * keep in step.
 */
export function otherMethods(app: Hono<AppEnv>, method: string, path: string): string[] {
  return METHODS.filter(
    (candidate) =>
      candidate !== method &&
      app.router.match(candidate, path)[0].some(([[, route]]) => route.method !== "ALL"),
  );
}
