import { HelexaError } from "./helexa-error.js";

/** 400 `invalid_request_error`, with the offending `param` when one applies. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new HelexaError({ statusCode: 400, type: "invalid_request_error", code, message, param });
}

/** 400 for a body that is not JSON or has no string `model` (original code `missing_model_field`). */
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
 * 400 `context_length_exceeded`; `extras` carry `max` plus `prompt_len` (exact count, the neuron's wording)
 * or `estimated_prompt_tokens` (cortex pre-validation, the seed's `057bc71e` wording). `field` (default
 * `messages`) is the `param` and the word the message uses, so a `/v1/completions` client is told about
 * its `prompt`, not messages it never sent.
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

/** 401 `invalid_api_key`. The message never echoes the key. */
export function invalidApiKey(message = "invalid or missing API key") {
  return new HelexaError({ statusCode: 401, type: "authentication_error", code: "invalid_api_key", message });
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

/** 413 for a body over the configured limit. */
export function payloadTooLarge(limitBytes: number) {
  return new HelexaError({
    statusCode: 413,
    type: "invalid_request_error",
    code: "payload_too_large",
    message: `request body exceeds the limit of ${limitBytes} bytes`,
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

/** 503 admission backpressure: the model's queue is full or the wait timed out. */
export function modelOverloaded(
  retryAfterSecs: number,
  message = "model is busy (admission queue full); retry shortly",
) {
  return new HelexaError({
    statusCode: 503,
    type: "rate_limit_error",
    code: "rate_limit_exceeded",
    message,
    retryAfterSecs,
    isOverload: true,
  });
}

/** 503 `service_unavailable` (no healthy node, model recovering, draining, load timeout). */
export function serviceUnavailable(
  message: string,
  retryAfterSecs?: number,
  extras?: Record<string, unknown>,
) {
  return new HelexaError({
    statusCode: 503,
    type: "api_error",
    code: "service_unavailable",
    message,
    ...(retryAfterSecs === undefined ? {} : { retryAfterSecs }),
    ...(extras === undefined ? {} : { extras }),
    isOverload: true,
  });
}

/** 502 when an upstream cannot be reached or answers garbage. */
export function upstreamError(message: string, code = "upstream_connection_error", cause?: unknown) {
  return new HelexaError({ statusCode: 502, type: "api_error", code, message, cause });
}

/** 500 with a generic message: the cause is logged, never sent. */
export function internalError(cause?: unknown) {
  return new HelexaError({
    statusCode: 500,
    type: "api_error",
    code: "internal_server_error",
    message: "internal server error",
    cause,
  });
}
