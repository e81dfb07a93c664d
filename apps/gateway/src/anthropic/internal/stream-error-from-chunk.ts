import type { AnthropicStreamErrorType } from "../anthropic-stream-event.js";

const overloadTypes = new Set(["rate_limit_error", "overloaded_error"]);
const overloadCodes = new Set(["rate_limit_exceeded", "service_unavailable", "model_overloaded"]);

/**
 * The failure an upstream SSE `data` object reports, if it is an error object rather than a chunk
 * (`{"error": {"message", "type", "code"}}`, or a flat `{"error": "…"}`). Backpressure becomes Anthropic's
 * `overloaded_error` (which its SDKs treat as retryable), anything else `api_error`.
 */
export function streamErrorFromChunk(
  value: unknown,
): { type: AnthropicStreamErrorType; message: string } | undefined {
  if (typeof value !== "object" || value === null || !("error" in value)) return undefined;
  const error: unknown = value.error;
  if (error === null || error === undefined) return undefined;
  if (typeof error === "string") return { type: "api_error", message: error };
  if (typeof error !== "object") return { type: "api_error", message: "upstream reported an error" };
  const fields = error as { message?: unknown; type?: unknown; code?: unknown };
  const message =
    typeof fields.message === "string" && fields.message !== ""
      ? fields.message
      : "upstream reported an error";
  const overloaded =
    (typeof fields.type === "string" && overloadTypes.has(fields.type)) ||
    (typeof fields.code === "string" && overloadCodes.has(fields.code));
  return { type: overloaded ? "overloaded_error" : "api_error", message };
}
