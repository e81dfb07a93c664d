import { HelexaError } from "./helexa-error.js";

// Refusals of a request the client can fix or has given up on (4xx, and 499). Every error either app
// answers with is made by a constructor here or in `server-errors.ts`, so its status, wire `type`,
// `code` and `param` are decided in one place.

/** 400 `invalid_request_error`, with the offending `param` when one applies. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new HelexaError({ statusCode: 400, type: "invalid_request_error", code, message, param });
}

/** 400 for a body that is not JSON or has no string `model` (code `missing_model_field`). */
export function missingModelField(message = "request body must be JSON with a string 'model' field") {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "missing_model_field",
    message,
    param: "model",
  });
}

/** The request field that holds the prompt: chat `messages`, completion `prompt`, Responses `input`. */
export type PromptField = "messages" | "prompt" | "input";

/**
 * 400 `context_length_exceeded`; `extras` carry `max` plus `prompt_len` (an exact count, from the neuron)
 * or `estimated_prompt_tokens` (cortex's estimate before any neuron is asked, worded "estimated at ~N").
 * `field` (default `messages`) is the `param` and the word the message uses, so a `/v1/completions`
 * client is told about its `prompt`, not messages it never sent.
 */
export function contextLengthExceeded(
  max: number,
  promptTokens: number,
  estimated: boolean,
  field: PromptField = "messages",
) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "context_length_exceeded",
    param: field,
    permanent: true,
    message: estimated
      ? `This model's maximum context length is ${max} tokens. Your request is estimated at ~${promptTokens} ` +
        `tokens. Please reduce the length of the ${field}.`
      : `This model's maximum context length is ${max} tokens. However, your ${field} resulted in ` +
        `${promptTokens} tokens. Please reduce the length of the ${field}.`,
    extras: estimated ? { max, estimated_prompt_tokens: promptTokens } : { max, prompt_len: promptTokens },
  });
}

/** 400 `invalid_anthropic_body`: `/v1/messages` got a body that is not a valid Messages request. */
export function invalidAnthropicBody(message: string, param: string | null = null) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "invalid_anthropic_body",
    message,
    param,
  });
}

/** 400 `vision_unsupported`: an image sent to a text-only model; `suggestion` names one that can see. */
export function visionUnsupported(modelId: string, suggestion?: string) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "vision_unsupported",
    message: `model '${modelId}' does not support image input`,
    param: "messages",
    extras: suggestion === undefined ? { model_id: modelId } : { model_id: modelId, suggestion },
  });
}

/** 400 `vision_unsupported` for one image part (`param` is its path) of a request to a text-only model. */
export function imagePartUnsupported(param: string) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "vision_unsupported",
    param,
    message: "this model does not support image input",
  });
}

/** 400 `chained_conversation_not_supported`: Responses `previous_response_id` where it is not kept. */
export function chainedConversationNotSupported(
  message = "previous_response_id is not supported: send the full conversation in `input`",
) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "chained_conversation_not_supported",
    message,
    param: "previous_response_id",
  });
}

/**
 * 401 `invalid_api_key`, with `x-should-retry: false`: without it Claude Code retries a 401 up to ten times
 * with backoff (minutes) before showing it. The message never echoes the key.
 */
export function invalidApiKey(message = "invalid or missing API key") {
  return new HelexaError({
    statusCode: 401,
    type: "authentication_error",
    code: "invalid_api_key",
    message,
    permanent: true,
  });
}

/** 401 `invalid_join_token`: a neuron's join or leave without cortex's `[join] token`; never echoes what was sent. */
export function invalidJoinToken() {
  return new HelexaError({
    statusCode: 401,
    type: "authentication_error",
    code: "invalid_join_token",
    message: "invalid or missing join token ([join] token in cortex.toml)",
  });
}

/** 403 `admin_required`: an `/admin/*` route called without an admin key. */
export function adminRequired() {
  return new HelexaError({
    statusCode: 403,
    type: "permission_error",
    code: "admin_required",
    message: 'this route needs an admin key (role = "admin" in [[entitlements.keys]])',
    permanent: true,
  });
}

/** 403 `cross_origin_refused`: an admin action sent from another site's page. */
export function crossOriginRefused() {
  return new HelexaError({
    statusCode: 403,
    type: "permission_error",
    code: "cross_origin_refused",
    message: "admin actions are accepted only from cortex's own pages",
    permanent: true,
  });
}

/** 404 `node_not_found` / `model_not_found` for a node or model an admin action names that cortex does not know. */
export function unknownTarget(what: "node" | "model", name: string, hint = "") {
  return new HelexaError({
    statusCode: 404,
    type: "not_found_error",
    code: what === "node" ? "node_not_found" : "model_not_found",
    message: `unknown ${what} '${name}'${hint}`,
    param: what,
  });
}

/** 404 `model_not_found`. */
export function modelNotFound(modelId: string, message = `model '${modelId}' not found`) {
  return new HelexaError({
    statusCode: 404,
    type: "invalid_request_error",
    code: "model_not_found",
    message,
    param: "model",
    permanent: true,
    extras: { model_id: modelId },
  });
}

/** 404 for an unknown route. */
export function routeNotFound(method: string, path: string) {
  return new HelexaError({
    statusCode: 404,
    type: "not_found_error",
    code: "route_not_found",
    message: `no route for ${method} ${path}`,
  });
}

/** 404 for `GET`/`DELETE /v1/responses/{id}` on an id this key has not stored (OpenAI's wording). */
export function responseNotFound(id: string) {
  return new HelexaError({
    statusCode: 404,
    type: "invalid_request_error",
    code: "response_not_found",
    message: `Response with id '${id}' not found.`,
    param: "response_id",
    permanent: true,
  });
}

/** 405 for a known path called with the wrong method. */
export function methodNotAllowed(method: string, path: string) {
  return new HelexaError({
    statusCode: 405,
    type: "invalid_request_error",
    code: "method_not_allowed",
    message: `${method} is not allowed on ${path}`,
  });
}

/** 409 `invalid_request_error` with its own `code`: the request conflicts with the state (`param` names why). */
export function conflict(code: string, message: string, param: string | null = null) {
  return new HelexaError({ statusCode: 409, type: "invalid_request_error", code, message, param });
}

/**
 * 400 `malformed_http_request`: the bytes were not an HTTP/1.1 request (a bad request line, header or chunk),
 * so no route was reached. `reason` is the HTTP parser's fixed wording, never the bytes sent.
 */
export function malformedHttpRequest(reason: string) {
  return new HelexaError({
    statusCode: 400,
    type: "invalid_request_error",
    code: "malformed_http_request",
    message: `the request is not valid HTTP/1.1: ${reason}`,
  });
}

/** 408 `request_timeout`: the request's headers and body did not all arrive within the server's limit. */
export function requestTimeout() {
  return new HelexaError({
    statusCode: 408,
    type: "invalid_request_error",
    code: "request_timeout",
    message:
      "the request did not arrive in time: its headers and body must be sent within the server's limit",
  });
}

/** 431 `request_header_fields_too_large`: the request's headers are over the HTTP parser's limit. */
export function requestHeadersTooLarge() {
  return new HelexaError({
    statusCode: 431,
    type: "invalid_request_error",
    code: "request_header_fields_too_large",
    message: "the request's headers are too large",
  });
}

/** 413 for a body over the configured limit. */
export function payloadTooLarge(limitBytes: number) {
  return new HelexaError({
    statusCode: 413,
    type: "invalid_request_error",
    code: "payload_too_large",
    message: `request body exceeds the limit of ${limitBytes} bytes`,
  });
}

/** 422 `template_render_failed`: the model's chat template rejected these messages. */
export function templateRenderFailed(message: string) {
  return new HelexaError({
    statusCode: 422,
    type: "invalid_request_error",
    code: "template_render_failed",
    message,
    param: "messages",
  });
}

/** 429 `rate_limit_exceeded` (rolling budget) with `Retry-After`. */
export function rateLimitExceeded(message: string, retryAfterSecs: number) {
  return new HelexaError({
    statusCode: 429,
    type: "rate_limit_error",
    code: "rate_limit_exceeded",
    message,
    retryAfterSecs: Math.max(1, Math.ceil(retryAfterSecs)),
  });
}

/** 429 `insufficient_quota` (balance budget spent): `x-should-retry: false`, waiting will not help. */
export function insufficientQuota(message: string) {
  return new HelexaError({
    statusCode: 429,
    type: "insufficient_quota",
    code: "insufficient_quota",
    message,
    permanent: true,
  });
}

/** 499 `client_closed_request`: the client went away first. Nobody reads it, but the request ends as an error. */
export function clientClosedRequest(message = "client closed the request") {
  return new HelexaError({
    statusCode: 499,
    type: "invalid_request_error",
    code: "client_closed_request",
    message,
  });
}
