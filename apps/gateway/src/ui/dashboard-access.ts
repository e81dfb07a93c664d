import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Entitlements, Identity } from "../entitlements/entitlements.js";

/** The cookie the login form sets: the key itself, HttpOnly and SameSite=Strict, never in a URL or a log. */
export const KEY_COOKIE = "helexa_key";

/** Who is looking at the dashboard and what they may do. */
export interface DashboardAccess {
  /** `open`: cortex runs without `[entitlements]`; `keys`: keys are configured. */
  mode: "open" | "keys";
  identity: Identity | null;
  /** Open mode, or an admin key: the actions (load, unload, pin) are shown and `/admin/*` answers. */
  admin: boolean;
  /** The key came from the login cookie (the page offers a log-out button). */
  viaCookie: boolean;
}

/**
 * Resolves the caller from `Authorization` / `x-api-key`, else from the login cookie, with
 * `entitlements.authenticate` (which throws a 401 `HelexaError` for a wrong key, or a missing one under
 * `require_auth`). Without entitlements cortex is open, and so is the dashboard, actions included, like the
 * rest of its API: bind it to loopback or configure keys.
 */
export function resolveDashboardAccess(c: Context, entitlements: Entitlements | undefined): DashboardAccess {
  if (entitlements === undefined) return { mode: "open", identity: null, admin: true, viaCookie: false };
  const headers = c.req.raw.headers;
  const presented = headers.has("authorization") || headers.has("x-api-key");
  const cookie = presented ? undefined : getCookie(c, KEY_COOKIE);
  const viaCookie = cookie !== undefined && cookie !== "";
  const identity = entitlements.authenticate(
    viaCookie ? new Headers({ authorization: `Bearer ${cookie}` }) : headers,
  );
  return { mode: "keys", identity, admin: identity?.role === "admin", viaCookie };
}
