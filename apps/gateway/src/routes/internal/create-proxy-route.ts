import { Hono } from "hono";
import type { Dispatch, UpstreamRoute } from "../../dispatch/dispatch.js";
import type { AppEnv } from "../../internal/app-env.js";
import { arrivalTime } from "../../internal/arrival-time.js";
import { readJsonBody } from "./read-json-body.js";

/**
 * A sub-app with one `POST` that reads the body and hands it to dispatch unchanged: the OpenAI routes are
 * thin wrappers, so the upstream bytes, status and headers pass through. Under the real server the reply
 * is written straight to the Node response.
 */
export function createProxyRoute(route: UpstreamRoute, dispatch: Dispatch, maxBodyBytes: number) {
  return new Hono<AppEnv>().post(route, async (c) => {
    const env = c.env as AppEnv["Bindings"] | undefined;
    const startedAt = arrivalTime(env?.incoming, performance.now());
    const { raw, body } = await readJsonBody(c.req.raw, maxBodyBytes);
    // Browser requests (CORS headers are added to the Response after the handler) take the Response path.
    const direct = env?.outgoing !== undefined && !c.req.raw.headers.has("origin");
    return dispatch({
      route,
      body,
      rawBody: raw,
      headers: c.req.raw.headers,
      signal: c.req.raw.signal,
      identity: c.get("identity") ?? null,
      dialect: "openai",
      startedAt,
      outgoing: direct ? env?.outgoing : undefined,
    });
  });
}
