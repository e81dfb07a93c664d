import { describe, expect, it } from "vitest";
import { errorBodyFrame, errorFrame } from "./finish-response.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The JSON payloads of a frame's `data:` lines, `[DONE]` kept as the string. */
function payloads(bytes: Uint8Array): unknown[] {
  return [...text(bytes).matchAll(/^data: (.*)$/gm)].map(([, data]) =>
    data === "[DONE]" ? data : JSON.parse(data as string),
  );
}

describe("error frames of a committed stream", () => {
  it("end chat and completion streams with a full OpenAI error object, then [DONE]", () => {
    expect(payloads(errorFrame("/v1/chat/completions", "upstream stalled"))).toEqual([
      {
        error: { message: "upstream stalled", type: "api_error", code: "upstream_stream_error", param: null },
      },
      "[DONE]",
    ]);
  });

  it("say what the cut stream is charged beside the error, in each route's usage shape", () => {
    const usage = { promptTokens: 7, completionTokens: 3 };
    expect(payloads(errorFrame("/v1/chat/completions", "cut", undefined, 0, usage))).toEqual([
      {
        error: { message: "cut", type: "api_error", code: "upstream_stream_error", param: null },
        usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
      },
      "[DONE]",
    ]);
    expect(payloads(errorFrame("/infill", "cut", undefined, 0, usage))).toEqual([
      {
        error: { message: "cut", type: "api_error", code: "upstream_stream_error", param: null },
        usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
      },
    ]);
    expect(payloads(errorFrame("/v1/responses", "cut", undefined, 4, usage))).toEqual([
      {
        type: "error",
        code: "upstream_stream_error",
        message: "cut",
        param: null,
        sequence_number: 4,
        usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
      },
    ]);
  });

  it("end an /infill stream with the error object alone: llama.cpp's streams have no [DONE]", () => {
    expect(payloads(errorFrame("/infill", "upstream stalled"))).toEqual([
      {
        error: { message: "upstream stalled", type: "api_error", code: "upstream_stream_error", param: null },
      },
    ]);
  });

  it("end a Responses stream with an error event carrying every field OpenAI's schema requires", () => {
    const frame = errorFrame("/v1/responses", "upstream stalled", "upstream_stream_error", 7);
    expect(text(frame)).toMatch(/^\nevent: error\ndata: /);
    expect(payloads(frame)).toEqual([
      {
        type: "error",
        code: "upstream_stream_error",
        message: "upstream stalled",
        param: null,
        sequence_number: 7,
      },
    ]);
    expect(payloads(errorFrame("/v1/responses", "x"))).toMatchObject([{ sequence_number: 0 }]);
  });

  it("turn a rendered error body into a Responses error event, not an {error} object", () => {
    const body = JSON.stringify({
      error: {
        message: "cold-load failed",
        type: "api_error",
        code: "model_load_failed",
        param: null,
        model_id: "m",
      },
    });
    expect(payloads(errorBodyFrame("/v1/responses", body))).toEqual([
      {
        type: "error",
        code: "model_load_failed",
        message: "cold-load failed",
        param: null,
        sequence_number: 0,
      },
    ]);
  });

  it("complete an upstream's partial or non-JSON error body into OpenAI's error object", () => {
    const partial = JSON.stringify({ error: { message: "no such file", type: "invalid_request_error" } });
    expect(payloads(errorBodyFrame("/v1/chat/completions", partial))).toEqual([
      { error: { message: "no such file", type: "invalid_request_error", code: null, param: null } },
      "[DONE]",
    ]);
    for (const garbage of ["<html>bad gateway</html>", "", '{"error": "text"}', "[]"]) {
      expect(payloads(errorBodyFrame("/v1/completions", garbage)), garbage).toEqual([
        { error: { message: "upstream failed", type: "api_error", code: null, param: null } },
        "[DONE]",
      ]);
    }
  });
});
