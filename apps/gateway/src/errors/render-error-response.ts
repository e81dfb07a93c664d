import { type HelexaError, renderAnthropicError, renderOpenAiError } from "@helexa/core";
import type { ClientDialect } from "../dispatch/dispatch.js";
import { type ClientHeaders, clientHeader } from "../internal/client-headers.js";

/**
 * A `HelexaError` as an HTTP response in the client's dialect, with `Retry-After` and the error's own
 * headers (`error.withHeaders(...)`).
 */
export function renderErrorResponse(error: HelexaError, dialect: ClientDialect): Response {
  const rendered = dialect === "anthropic" ? renderAnthropicError(error) : renderOpenAiError(error);
  return new Response(JSON.stringify(rendered.body), {
    status: rendered.status,
    headers: { "content-type": "application/json", ...rendered.headers },
  });
}

/** The routes only OpenAI's API has: their errors are OpenAI's whoever calls. */
const OPENAI_ONLY_PATHS: ReadonlySet<string> = new Set([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/responses",
  "/infill",
]);

/**
 * The dialect a request speaks: Anthropic for `/v1/messages*`, and on the routes both APIs share
 * (`/v1/models`, `/v1/models/{id}`, an unknown path) when it carries `anthropic-version` (every Anthropic
 * SDK sends it); OpenAI everywhere else.
 */
export function dialectOfPath(path: string, headers?: ClientHeaders): ClientDialect {
  if (path.startsWith("/v1/messages")) return "anthropic";
  if (headers === undefined || OPENAI_ONLY_PATHS.has(path)) return "openai";
  return clientHeader(headers, "anthropic-version") === null ? "openai" : "anthropic";
}
