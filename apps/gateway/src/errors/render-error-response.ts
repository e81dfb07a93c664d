import { type HelexaError, renderAnthropicError, renderOpenAiError } from "@helexa/core";
import type { ClientDialect } from "../dispatch/dispatch.js";

const extraHeaders = new WeakMap<HelexaError, Record<string, string>>();

/**
 * Attaches response headers to an error (e.g. `X-Helexa-Advice`), rendered with it by
 * `renderErrorResponse` and never put in the body. Returns the same error, for `throw attachHeaders(...)`.
 */
export function attachHeaders(error: HelexaError, headers: Record<string, string>): HelexaError {
  extraHeaders.set(error, { ...extraHeaders.get(error), ...headers });
  return error;
}

/** A `HelexaError` as an HTTP response in the client's dialect, with `Retry-After` and attached headers. */
export function renderErrorResponse(error: HelexaError, dialect: ClientDialect): Response {
  const rendered = dialect === "anthropic" ? renderAnthropicError(error) : renderOpenAiError(error);
  return new Response(JSON.stringify(rendered.body), {
    status: rendered.status,
    headers: { "content-type": "application/json", ...rendered.headers, ...extraHeaders.get(error) },
  });
}

/** The dialect a path speaks: Anthropic for `/v1/messages*`, OpenAI everywhere else. */
export function dialectOfPath(path: string): ClientDialect {
  return path.startsWith("/v1/messages") ? "anthropic" : "openai";
}
