import type { MiddlewareHandler } from "hono";
import type { Entitlements } from "../entitlements/entitlements.js";
import type { AppEnv } from "../internal/app-env.js";

export interface AuthMiddlewareOptions {
  entitlements: Entitlements;
  /** `METHOD path` pairs that need no key (`GET /health`, `GET /`). */
  publicRoutes?: readonly string[];
}

/**
 * Resolves the caller's identity with `entitlements.authenticate` (which throws a 401 `HelexaError` for a
 * wrong key, or a missing one under `require_auth`) and stores it as `identity`. Public routes and CORS
 * preflights pass without a key.
 */
export function createAuthMiddleware(options: AuthMiddlewareOptions): MiddlewareHandler<AppEnv> {
  if (typeof options.entitlements?.authenticate !== "function") {
    throw new TypeError("createAuthMiddleware: entitlements.authenticate is required");
  }
  const publicRoutes = new Set(options.publicRoutes ?? ["GET /health", "GET /", "HEAD /health", "HEAD /"]);
  const { entitlements } = options;
  return async function authMiddleware(c, next) {
    const method = c.req.method;
    if (method === "OPTIONS" || publicRoutes.has(`${method} ${c.req.path}`)) {
      c.set("identity", null);
      return next();
    }
    c.set("identity", entitlements.authenticate(c.req.raw.headers));
    return next();
  };
}
