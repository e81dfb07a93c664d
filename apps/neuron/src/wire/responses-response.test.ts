import { describe, expect, it } from "vitest";
import type { CollectedGeneration } from "./collect-generation.js";
import { responsesRequestSchema } from "./responses-request.js";
import { buildResponse, type ResponsesMeta } from "./responses-response.js";

const meta: ResponsesMeta = {
  id: "resp_1",
  messageId: "msg_1",
  reasoningId: "rs_1",
  createdAt: 1_700_000_000,
  body: responsesRequestSchema.parse({ model: "tiny", input: "hi" }),
};
const result: CollectedGeneration = {
  content: "hello",
  reasoning: "",
  toolCalls: [],
  finishReason: "stop",
  stopSequence: null,
  usage: { promptTokens: 7, completionTokens: 3, cachedTokens: 2, reasoningTokens: 0 },
  logprobs: [],
};

describe("buildResponse", () => {
  it("gives each output_text part the logprobs array OpenAI's schema requires (empty: none are computed)", () => {
    const response = buildResponse(result, meta);
    expect(response.output).toEqual([
      {
        type: "message",
        id: "msg_1",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "hello", annotations: [], logprobs: [] }],
      },
    ]);
  });

  it("echoes the previous_response_id cortex resolved the request from, else null", () => {
    expect(buildResponse(result, meta).previous_response_id).toBeNull();
    expect(buildResponse(result, { ...meta, previousResponseId: "resp_0" }).previous_response_id).toBe(
      "resp_0",
    );
  });

  it("counts usage with cache_write_tokens (required; no prompt cache is written ahead)", () => {
    expect(buildResponse(result, meta).usage).toEqual({
      input_tokens: 7,
      input_tokens_details: { cached_tokens: 2, cache_write_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 10,
    });
  });
});
