import type { Identity } from "../entitlements/entitlements.js";

/** Hono environment shared by cortex's sub-apps: the caller's identity, set by the auth middleware. */
export interface AppEnv {
  Variables: {
    identity: Identity | null;
  };
}
