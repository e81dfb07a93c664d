import type { IncomingMessage, ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Dispatch, UpstreamRoute } from "../dispatch/dispatch.js";
import type { Entitlements } from "../entitlements/entitlements.js";
import { errorResponse } from "../errors/error-response.js";
import { arrivalTime } from "../internal/arrival-time.js";
import type { Logger } from "../internal/logger.js";
import { checkOpenAiRequest } from "../routes/internal/check-openai-request.js";
import { parseJsonBody } from "../routes/internal/parse-json-body.js";
import { closeSignal } from "./close-signal.js";
import { readIncomingBody } from "./read-incoming-body.js";
import { writeWebResponse } from "./write-web-response.js";

/** Serves a request itself and returns true, or returns false to leave it to the Hono app. */
export type DirectListener = (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;

export interface DirectProxyDeps {
  dispatch: Dispatch;
  entitlements?: Entitlements | undefined;
  logger: Logger;
  maxBodyBytes: number;
}

/** The OpenAI routes whose body passes through to a neuron unchanged. */
const PROXY_ROUTES: ReadonlySet<string> = new Set<UpstreamRoute>([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/responses",
  "/infill",
]);

/**
 * The hot path of a proxy, off the Hono app: `POST` to the OpenAI pass-through routes from a non-browser
 * client (no `Origin`; browsers need CORS, which the app adds). It does what the app's auth middleware and
 * proxy route do (key check, body limit, JSON check, dispatch, errors in the OpenAI envelope) straight on
 * Node's request and response, so no `Request`, `Headers` or web stream is built per request and the
 * neuron's reply is piped into the socket. Everything else, and every route's tests via `app.request`,
 * goes through the app.
 */
export function createDirectProxy(deps: DirectProxyDeps): DirectListener {
  const serve = async (route: UpstreamRoute, incoming: IncomingMessage, outgoing: ServerResponse) => {
    const startedAt = arrivalTime(incoming, performance.now());
    const signal = closeSignal(outgoing);
    let bodyRead = false;
    try {
      const identity = deps.entitlements?.authenticate(incoming.headers) ?? null;
      const { raw, body } = parseJsonBody(await readIncomingBody(incoming, deps.maxBodyBytes));
      bodyRead = true;
      checkOpenAiRequest(route, body);
      const response = await deps.dispatch({
        route,
        body,
        rawBody: raw,
        headers: incoming.headers,
        signal,
        identity,
        dialect: "openai",
        startedAt,
        outgoing,
      });
      if (response !== RESPONSE_ALREADY_SENT) await writeWebResponse(response, outgoing);
    } catch (error) {
      if (outgoing.headersSent) {
        outgoing.destroy();
        return;
      }
      // A request answered before its body was read whole: close the connection rather than read the rest.
      if (!bodyRead) outgoing.shouldKeepAlive = false;
      await writeWebResponse(errorResponse(error, route, deps.logger), outgoing);
    }
  };
  return (incoming, outgoing) => {
    if (incoming.method !== "POST" || incoming.headers.origin !== undefined) return false;
    const url = incoming.url ?? "";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    if (!PROXY_ROUTES.has(path)) return false;
    serve(path as UpstreamRoute, incoming, outgoing).catch((error: unknown) => {
      deps.logger.error({ event: "unhandled_error", path, err: error }, "unhandled error");
      outgoing.destroy();
    });
    return true;
  };
}
