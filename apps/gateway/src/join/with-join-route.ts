import { Hono } from "hono";
import type { AppEnv } from "../internal/app-env.js";

/**
 * The app with the join routes in front of it: `POST /v1/join*` is answered by `join` (its own token, no
 * API-key middleware), everything else by `app` exactly as before (its middleware, 404s and 405s).
 */
export function withJoinRoute(app: Hono<AppEnv>, join: Hono<AppEnv>): Hono<AppEnv> {
  const outer = new Hono<AppEnv>();
  outer.route("/", join);
  outer.all("*", (c) => app.fetch(c.req.raw, c.env));
  return outer;
}
