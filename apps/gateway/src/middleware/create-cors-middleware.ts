import type { MiddlewareHandler } from "hono";

export interface CorsOptions {
  /** Response headers a browser may read. */
  exposeHeaders?: readonly string[];
  /** Preflight cache, seconds. Default 600. */
  maxAgeSecs?: number;
}

/**
 * Permissive CORS (any origin, method and header: browser tools call cortex from any page), paid for only
 * by browser requests:
 * a preflight `OPTIONS` is answered here (before auth), and headers are added after the handler only
 * when the request carried an `Origin`. (Hono's `cors()` touches `c.res` before the handler, which makes
 * Hono copy every response; that cost a proxy's hot path ~40 µs a request.)
 */
export function createCorsMiddleware(options: CorsOptions = {}): MiddlewareHandler {
  const expose = (options.exposeHeaders ?? []).join(", ");
  const maxAge = String(options.maxAgeSecs ?? 600);
  return function corsMiddleware(c, next) {
    const origin = c.req.raw.headers.get("origin");
    if (c.req.method === "OPTIONS") {
      const requested = c.req.raw.headers.get("access-control-request-headers");
      return Promise.resolve(
        new Response(null, {
          status: 204,
          headers: {
            "access-control-allow-origin": origin ?? "*",
            "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
            "access-control-allow-headers": requested ?? "*",
            "access-control-max-age": maxAge,
            vary: "origin, access-control-request-headers",
          },
        }),
      );
    }
    // No Origin (every non-browser client): no extra async frame around the handler.
    if (origin === null) return next();
    return next().then(() => {
      c.res.headers.set("access-control-allow-origin", "*");
      if (expose !== "") c.res.headers.set("access-control-expose-headers", expose);
    });
  };
}
