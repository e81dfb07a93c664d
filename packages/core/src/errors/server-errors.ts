import { HelexaError } from "./helexa-error.js";

// Failures that are not the request's (5xx): fleet backpressure, a neuron that cannot answer, a fault.
// `client-errors.ts` holds the 4xx side.

/** `Retry-After` for a load refused for lack of VRAM: long enough for other work on the GPU to end. */
export const INSUFFICIENT_VRAM_RETRY_AFTER_SECS = 5;

/** 500 with a generic message (`message` may add a request id): the cause is logged, never sent. */
export function internalError(cause?: unknown, message = "internal server error") {
  return new HelexaError({
    statusCode: 500,
    type: "api_error",
    code: "internal_server_error",
    message,
    cause,
  });
}

/** 500 `internal_translation_error`: a request could not be translated between dialects. Cause logged only. */
export function internalTranslationError(cause?: unknown) {
  return new HelexaError({
    statusCode: 500,
    type: "api_error",
    code: "internal_translation_error",
    message: "failed to translate the request",
    cause,
  });
}

/** 500 `generation_failed`: the engine failed while generating; `message` carries no engine internals. */
export function generationFailed(message: string) {
  return new HelexaError({ statusCode: 500, type: "api_error", code: "generation_failed", message });
}

/** 502 when an upstream cannot be reached or answers garbage. */
export function upstreamError(message: string, code = "upstream_connection_error", cause?: unknown) {
  return new HelexaError({ statusCode: 502, type: "api_error", code, message, cause });
}

/** 502 `upstream_malformed_response`: a neuron answered 2xx with a body that cannot be read. */
export function upstreamMalformedResponse(
  message = "upstream returned a malformed response",
  cause?: unknown,
) {
  return new HelexaError({
    statusCode: 502,
    type: "api_error",
    code: "upstream_malformed_response",
    message,
    cause,
  });
}

/**
 * `upstream_error` with the upstream's own status, for a non-2xx whose body carries nothing usable.
 * 503 counts as fleet backpressure.
 */
export function upstreamStatusError(status: number, message = `upstream returned ${status}`) {
  return new HelexaError({
    statusCode: status,
    type: "api_error",
    code: "upstream_error",
    message,
    isOverload: status === 503,
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

/**
 * 503 `model_load_failed` when every cold load of the model failed. Not fleet backpressure: a committed
 * Anthropic stream reports it as `api_error`, not the `overloaded_error` its SDKs would retry at once.
 */
export function modelLoadFailed(model: string, reason: string) {
  return new HelexaError({
    statusCode: 503,
    type: "api_error",
    code: "model_load_failed",
    message: `cold-load of '${model}' failed (${reason})`,
    extras: { model_id: model },
  });
}

/**
 * 503 `insufficient_vram` with `free_mb` / `required_mb` inside `error` and Retry-After 5: the GPU may
 * free up once other work ends.
 */
export function insufficientVram(freeMb: number, requiredMb: number) {
  return new HelexaError({
    statusCode: 503,
    type: "api_error",
    code: "insufficient_vram",
    message: `insufficient free VRAM: ${freeMb} MiB free, need at least ${requiredMb} MiB`,
    extras: { free_mb: freeMb, required_mb: requiredMb },
    retryAfterSecs: INSUFFICIENT_VRAM_RETRY_AFTER_SECS,
    isOverload: true,
  });
}

/** 503 `cuda_unavailable`: the host's GPU stack is broken; `reason` is the driver's, not a secret. */
export function cudaUnavailable(reason: string) {
  return new HelexaError({ statusCode: 503, type: "api_error", code: "cuda_unavailable", message: reason });
}

/** 504 when a neuron accepted the request but did not answer in time. */
export function upstreamTimeout(node: string) {
  return new HelexaError({
    statusCode: 504,
    type: "api_error",
    code: "upstream_timeout",
    message: `neuron '${node}' did not answer in time`,
  });
}

/** 502 `neuron_action_failed`: a neuron refused or failed an admin action; its reason, without host paths. */
export function neuronActionFailed(message: string) {
  return new HelexaError({ statusCode: 502, type: "api_error", code: "neuron_action_failed", message });
}
