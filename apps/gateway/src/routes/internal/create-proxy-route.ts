import { Hono } from "hono";
import type { Dispatch, UpstreamRoute } from "../../dispatch/dispatch.js";
import type { AppEnv } from "../../internal/app-env.js";
import { arrivalTime } from "../../internal/arrival-time.js";
import { closeSignal } from "../../server/close-signal.js";
import { checkOpenAiRequest } from "./check-openai-request.js";
import { readJsonBody } from "./read-json-body.js";

/**
 * A sub-app with one `POST` that reads the body and hands it to dispatch unchanged: the OpenAI routes are
 * thin wrappers, so the upstream bytes, status and headers pass through as a `Response`. The real server
 * serves non-browser requests to these routes on its fast path (`createDirectProxy`), which does the same
 * on Node's request and response; this route serves browsers (CORS) and `app.request()`.
 */
export function createProxyRoute(route: UpstreamRoute, dispatch: Dispatch, maxBodyBytes: number) {
  return new Hono<AppEnv>().post(route, async (c) => {
    const env = c.env as AppEnv["Bindings"] | undefined;
    const startedAt = arrivalTime(env?.incoming, performance.now());
    // Before the body is read, so a client gone during the read is seen.
    const signal = env?.outgoing !== undefined ? closeSignal(env.outgoing) : c.req.raw.signal;
    const { raw, body } = await readJsonBody(c.req.raw, maxBodyBytes);
    checkOpenAiRequest(route, body);
    return dispatch({
      route,
      body,
      rawBody: raw,
      headers: env?.incoming?.headers ?? c.req.raw.headers,
      signal,
      identity: c.get("identity") ?? null,
      dialect: "openai",
      startedAt,
    });
  });
}
