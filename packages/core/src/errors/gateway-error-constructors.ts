import { HelexaError } from "./helexa-error.js";

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
