import type { HttpBindings } from "@hono/node-server";
import type { Identity } from "../entitlements/entitlements.js";

/**
 * Hono environment shared by cortex's sub-apps: the caller's identity, set by the auth middleware, and,
 * under the real server, @hono/node-server's `incoming` / `outgoing` (absent under `app.request()`).
 */
export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    identity: Identity | null;
  };
}
