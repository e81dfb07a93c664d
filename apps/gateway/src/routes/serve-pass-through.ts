import type { ServerResponse } from "node:http";
import { invalidRequest, missingModelField } from "@helexa/core";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { ClientSignal, Dispatch, UpstreamRoute } from "../dispatch/dispatch.js";
import type { Identity } from "../entitlements/entitlements.js";
import { errorResponse } from "../errors/error-response.js";
import type { ClientHeaders } from "../internal/client-headers.js";
import type { Logger } from "../internal/logger.js";
import { checkOpenAiRequest } from "./internal/check-openai-request.js";

/** One request to an OpenAI pass-through route, as either adapter (Node or Hono) received it. */
export interface PassThroughRequest {
  route: UpstreamRoute;
  headers: ClientHeaders;
  /** The body as UTF-8 text of at most `maxBytes`: 413 over it, 499 when the client leaves mid-body. */
  readBody(maxBytes: number): Promise<string>;
  /** The caller's identity; may throw a 401 `HelexaError` (called before the body is read). */
  identify(): Identity | null;
  signal: ClientSignal;
  /** `performance.now()` when the request reached cortex's listener. */
  startedAt: number;
}

/**
 * Where the reply goes. With `outgoing` (the client's Node response) the neuron's reply is piped into it and
 * the result is `RESPONSE_ALREADY_SENT`; without, the reply is returned as a `Response` (for middleware
 * that adds headers to it: CORS).
 */
export interface ReplySink {
  outgoing?: ServerResponse | undefined;
}

/** The proxy core: never throws; errors come back as a response in the OpenAI envelope. */
export type ServePassThrough = (
  request: PassThroughRequest,
  sink: ReplySink,
) => Promise<Response | typeof RESPONSE_ALREADY_SENT>;

export interface PassThroughDeps {
  dispatch: Dispatch;
  logger: Logger;
  maxBodyBytes: number;
}

/**
 * The one implementation of the OpenAI pass-through routes (`/v1/chat/completions`, `/v1/completions`,
 * `/v1/responses`, `/infill`): identify the caller, read the body within the limit, check it is a JSON
 * object with a `model` and well-typed fields, and hand it to dispatch unchanged. The Node adapter
 * (`createDirectProxy`) and the Hono adapter (`createProxyRoute`) only say how to read the body and who
 * the caller is.
 */
export function createServePassThrough(deps: PassThroughDeps): ServePassThrough {
  return async function servePassThrough(request, sink) {
    const { route, signal } = request;
    let bodyRead = false;
    try {
      const identity = request.identify();
      const { raw, body } = parseJsonBody(await request.readBody(deps.maxBodyBytes));
      bodyRead = true;
      checkOpenAiRequest(route, body);
      return await deps.dispatch({
        route,
        body,
        rawBody: raw,
        headers: request.headers,
        signal,
        identity,
        startedAt: request.startedAt,
        outgoing: sink.outgoing,
      });
    } catch (error) {
      const outgoing = sink.outgoing;
      if (outgoing !== undefined) {
        if (outgoing.headersSent) {
          outgoing.destroy();
          return RESPONSE_ALREADY_SENT;
        }
        // A request answered before its body was read whole: close the connection rather than read the rest.
        if (!bodyRead) outgoing.shouldKeepAlive = false;
      }
      return errorResponse(error, route, deps.logger, request.headers);
    }
  };
}

/** A request body as cortex needs it: the text (forwarded as is) and its parsed object. */
export interface JsonBody {
  raw: string;
  body: Record<string, unknown>;
}

/**
 * Parses a request body that must be a JSON object, with a non-empty string `model` when `requireModel`
 * is set. Malformed JSON is 400 `invalid_json`; JSON that is no object, or an object without a usable
 * `model`, is 400 `missing_model_field`. `param` names `model` only when the body is an object whose
 * `model` is wrong; otherwise no field is at fault (`param: null`).
 */
export function parseJsonBody(raw: string, requireModel = true): JsonBody {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw invalidRequest("request body is not valid JSON", null, "invalid_json");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw notAnObject("request body must be a JSON object");
  }
  const record = body as Record<string, unknown>;
  if (requireModel && typeof record.model !== "string") {
    throw missingModelField("missing 'model' field in request body (a string is required)");
  }
  if (requireModel && record.model === "") throw missingModelField("'model' must not be empty");
  return { raw, body: record };
}

/** 400 `missing_model_field` (the code clients already match on) with no `param`: no field is at fault. */
function notAnObject(message: string) {
  return invalidRequest(message, null, "missing_model_field");
}
