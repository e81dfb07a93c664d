import type { UpstreamRoute } from "../dispatch.js";

const encoder = new TextEncoder();

/**
 * The SSE bytes that end a stream which failed after its headers were sent: an OpenAI error object and
 * `[DONE]` for chat and completions, a Responses `error` event for `/v1/responses`. A leading newline
 * closes any event the upstream left half-written.
 */
export function errorFrame(
  route: UpstreamRoute,
  message: string,
  code = "upstream_stream_error",
): Uint8Array {
  if (route === "/v1/responses") {
    const event = { type: "error", code, message, param: null };
    return encoder.encode(`\nevent: error\ndata: ${JSON.stringify(event)}\n\n`);
  }
  const error = { error: { message, type: "api_error", code, param: null } };
  return encoder.encode(`\ndata: ${JSON.stringify(error)}\n\ndata: [DONE]\n\n`);
}

/** An already-rendered error body (`{"error":{…}}`) as the closing frames of a committed stream. */
export function errorBodyFrame(route: UpstreamRoute, body: string): Uint8Array {
  if (route === "/v1/responses") {
    return encoder.encode(`\nevent: error\ndata: ${body}\n\n`);
  }
  return encoder.encode(`\ndata: ${body}\n\ndata: [DONE]\n\n`);
}
