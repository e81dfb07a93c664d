import { Hono } from "hono";
import type { Dispatch, UpstreamRoute } from "../../dispatch/dispatch.js";
import type { AppEnv } from "../../internal/app-env.js";
import { readJsonBody } from "./read-json-body.js";

/**
 * A sub-app with one `POST` that reads the body and hands it to dispatch unchanged: the OpenAI routes are
 * thin wrappers, so the upstream bytes, status and headers pass through.
 */
export function createProxyRoute(route: UpstreamRoute, dispatch: Dispatch, maxBodyBytes: number) {
  return new Hono<AppEnv>().post(route, async (c) => {
    const startedAt = performance.now();
    const { raw, body } = await readJsonBody(c.req.raw, maxBodyBytes);
    return dispatch({
      route,
      body,
      rawBody: raw,
      headers: c.req.raw.headers,
      signal: c.req.raw.signal,
      identity: c.get("identity") ?? null,
      dialect: "openai",
      startedAt,
    });
  });
}
