import type { Usage } from "../../entitlements/entitlements.js";
import type { UpstreamRoute } from "../dispatch.js";

const encoder = new TextEncoder();

/** OpenAI's error object, every field its schema requires present; extras (`model_id`, …) kept. */
interface OpenAiErrorObject {
  message: string;
  type: string;
  code: string | null;
  param: string | null;
  [extra: string]: unknown;
}

/**
 * The SSE bytes that end a stream which failed after its headers were sent: an OpenAI error object and
 * `[DONE]` for chat and completions (the object alone for `/infill`), a Responses `error` event for `/v1/responses` (with the
 * `sequence_number` OpenAI's schema requires: the next one after what the client has seen, 0 when cortex
 * sent nothing before). A leading newline closes any event the upstream left half-written. With `usage`
 * (what the cut stream is charged) the frame says so beside the error, in the neuron's shape:
 * `{"error":{…},"usage":{prompt_tokens,completion_tokens,total_tokens}}` (Responses: `usage` with
 * `input_tokens` / `output_tokens` / `total_tokens` on the `error` event).
 */
export function errorFrame(
  route: UpstreamRoute,
  message: string,
  code = "upstream_stream_error",
  sequenceNumber = 0,
  usage?: Usage,
): Uint8Array {
  return frame(route, { message, type: "api_error", code, param: null }, sequenceNumber, usage);
}

/**
 * An error body (`{"error":{…}}`: cortex's own rendering or a neuron's reply) as the closing frames of a
 * committed stream. A body that is not such an object, or lacks fields, is completed (`type: api_error`,
 * `code` and `param` null) so the frame still parses as OpenAI's error; its words are kept, nothing more.
 */
export function errorBodyFrame(route: UpstreamRoute, body: string): Uint8Array {
  return frame(route, toErrorObject(body), 0);
}

function frame(
  route: UpstreamRoute,
  error: OpenAiErrorObject,
  sequenceNumber: number,
  usage?: Usage,
): Uint8Array {
  const total = usage === undefined ? 0 : usage.promptTokens + usage.completionTokens;
  if (route === "/v1/responses") {
    const event = {
      type: "error",
      code: error.code,
      message: error.message,
      param: error.param,
      sequence_number: sequenceNumber,
      ...(usage === undefined
        ? {}
        : {
            usage: {
              input_tokens: usage.promptTokens,
              output_tokens: usage.completionTokens,
              total_tokens: total,
            },
          }),
    };
    return encoder.encode(`\nevent: error\ndata: ${JSON.stringify(event)}\n\n`);
  }
  const body = JSON.stringify(
    usage === undefined
      ? { error }
      : {
          error,
          usage: {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.completionTokens,
            total_tokens: total,
          },
        },
  );
  // llama.cpp's /infill stream ends without [DONE] (its clients parse every data line as JSON).
  if (route === "/infill") return encoder.encode(`\ndata: ${body}\n\n`);
  return encoder.encode(`\ndata: ${body}\n\ndata: [DONE]\n\n`);
}

function toErrorObject(body: string): OpenAiErrorObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : {};
  return {
    ...error,
    message: typeof error.message === "string" ? error.message : "upstream failed",
    type: typeof error.type === "string" ? error.type : "api_error",
    code: typeof error.code === "string" ? error.code : null,
    param: typeof error.param === "string" ? error.param : null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
