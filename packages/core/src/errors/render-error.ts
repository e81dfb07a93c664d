import { z } from "zod";
import type { HelexaError } from "./helexa-error.js";

/** The OpenAI error envelope; extra diagnostics sit inside `error`. */
export const openAiErrorEnvelopeSchema = z.object({
  error: z.looseObject({
    message: z.string(),
    type: z.string(),
    code: z.string().nullable().optional(),
    param: z.string().nullable().optional(),
  }),
});
export type OpenAiErrorEnvelope = z.infer<typeof openAiErrorEnvelopeSchema>;

/** The Anthropic error envelope. */
export const anthropicErrorEnvelopeSchema = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string(), message: z.string() }),
});
export type AnthropicErrorEnvelope = z.infer<typeof anthropicErrorEnvelopeSchema>;

/** A rendered error: status, headers and JSON body, ready for any HTTP framework. */
export interface RenderedError<Body> {
  status: number;
  headers: Record<string, string>;
  body: Body;
}

/**
 * `Retry-After` on transient refusals, `x-should-retry: false` on permanent ones (SDKs skip their
 * retries), then the error's own `headers`.
 */
function errorHeaders(error: HelexaError): Record<string, string> {
  if (error.permanent) return { "x-should-retry": "false", ...error.headers };
  return error.retryAfterSecs === undefined
    ? { ...error.headers }
    : { "retry-after": String(Math.ceil(error.retryAfterSecs)), ...error.headers };
}

/** Renders `{error:{message,type,code,param,...extras}}` with `Retry-After` or `x-should-retry: false`, and the error's headers. */
export function renderOpenAiError(error: HelexaError): RenderedError<OpenAiErrorEnvelope> {
  return {
    status: error.statusCode,
    headers: errorHeaders(error),
    body: {
      error: {
        ...error.extras,
        message: error.message,
        type: error.type,
        code: error.code,
        param: error.param,
      },
    },
  };
}

/**
 * Anthropic's error type for a status, as its API documents them: 401 `authentication_error`, 403
 * `permission_error`, 404 `not_found_error`, 413 `request_too_large`, 429 `rate_limit_error`, any other 4xx
 * `invalid_request_error` (400, and 405, 408, 409, 422, 431), 5xx `api_error`. Fleet backpressure becomes 529
 * `overloaded_error`, which Anthropic SDKs retry; a budget 429 stays `rate_limit_error`.
 */
export function toAnthropicErrorType(status: number, isOverload: boolean): { status: number; type: string } {
  if (isOverload && (status === 503 || status === 429)) return { status: 529, type: "overloaded_error" };
  if (status === 401) return { status, type: "authentication_error" };
  if (status === 403) return { status, type: "permission_error" };
  if (status === 404) return { status, type: "not_found_error" };
  if (status === 413) return { status, type: "request_too_large" };
  if (status === 429) return { status, type: "rate_limit_error" };
  // Only backpressure is "overloaded" (SDKs retry it); a 503 that is not, such as a model that failed to
  // load, stays a plain api_error so clients do not retry a permanent failure.
  if (status === 529) return { status: 529, type: "overloaded_error" };
  return { status, type: status >= 400 && status < 500 ? "invalid_request_error" : "api_error" };
}

/** Renders `{type:"error", error:{type,message}}` with the Anthropic status mapping. */
export function renderAnthropicError(error: HelexaError): RenderedError<AnthropicErrorEnvelope> {
  const mapped = toAnthropicErrorType(error.statusCode, error.isOverload);
  return {
    status: mapped.status,
    headers: errorHeaders(error),
    body: { type: "error", error: { type: mapped.type, message: error.message } },
  };
}
