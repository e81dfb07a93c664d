import { invalidApiKey } from "@helexa/core";
import { Hono } from "hono";
import type { EntitlementsWithUsage } from "./entitlements.js";

export interface UsageRoutesOptions {
  /** Needs `authenticate` and `usageFor`: pass what `createEntitlements` returned. */
  entitlements: Pick<EntitlementsWithUsage, "authenticate" | "usageFor">;
}

/**
 * `GET /v1/usage`: the calling key's own allocation (`KeyUsage`). It authenticates the request itself, so
 * it works whether or not an auth middleware ran before it; an anonymous caller gets 401, since there is
 * no allocation to show. Errors are thrown as `HelexaError` for the app's `onError`.
 * Mount with `app.route("/", createUsageRoutes({ entitlements }))`.
 */
export function createUsageRoutes(options: UsageRoutesOptions): Hono {
  const { entitlements } = options;
  return new Hono().get("/v1/usage", async (c) => {
    const identity = entitlements.authenticate(c.req.raw.headers);
    if (identity === null) {
      throw invalidApiKey("GET /v1/usage reports a key's own budget; send 'Authorization: Bearer <key>'");
    }
    c.header("cache-control", "no-store");
    return c.json(await entitlements.usageFor(identity));
  });
}
