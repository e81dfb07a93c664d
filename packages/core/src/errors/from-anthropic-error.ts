import type { OpenAiErrorType } from "./helexa-error.js";

/** An Anthropic error seen from the OpenAI side. */
export interface MappedAnthropicError {
  status: number;
  type: OpenAiErrorType;
  code: string | null;
  isOverload: boolean;
}

/**
 * Maps an Anthropic error (status, `error.type`) to the OpenAI dialect: the inverse of
 * `toAnthropicErrorType`. 529 `overloaded_error` becomes 503 `service_unavailable` (OpenAI clients know
 * no 529) and stays fleet backpressure; the other types keep their status and take the matching OpenAI
 * type and code.
 */
export function fromAnthropicError(status: number, type: string): MappedAnthropicError {
  switch (type) {
    case "overloaded_error":
      return { status: 503, type: "api_error", code: "service_unavailable", isOverload: true };
    case "rate_limit_error":
      return { status, type: "rate_limit_error", code: "rate_limit_exceeded", isOverload: false };
    case "request_too_large":
      return { status, type: "invalid_request_error", code: "payload_too_large", isOverload: false };
    case "invalid_request_error":
      return { status, type: "invalid_request_error", code: null, isOverload: false };
    case "authentication_error":
      return { status, type: "authentication_error", code: "invalid_api_key", isOverload: false };
    case "permission_error":
      return { status, type: "permission_error", code: null, isOverload: false };
    case "not_found_error":
      return { status, type: "not_found_error", code: null, isOverload: false };
    case "billing_error":
      return { status, type: "insufficient_quota", code: "insufficient_quota", isOverload: false };
    default:
      return {
        status: status === 529 ? 503 : status,
        type: "api_error",
        code: null,
        isOverload: status === 503 || status === 529,
      };
  }
}

/** The OpenAI `error.type` that fits a bare status, for upstream errors without a usable body. */
export function openAiErrorTypeForStatus(status: number): OpenAiErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}
