import { describe, expect, it } from "vitest";
import { readUsage } from "./read-usage.js";

describe("readUsage", () => {
  it("reads a non-streaming chat body", () => {
    const body = JSON.stringify({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });
    expect(readUsage(body)).toEqual({ promptTokens: 10, completionTokens: 5 });
  });

  it("reads the final usage chunk of an SSE stream", () => {
    const stream = [
      'data: {"choices":[{"delta":{"content":"a"}}],"usage":null}',
      'data: {"choices":[],"usage":{"prompt_tokens":225,"completion_tokens":42,"total_tokens":267}}',
      "data: [DONE]",
      "",
    ].join("\n\n");
    expect(readUsage(stream)).toEqual({ promptTokens: 225, completionTokens: 42 });
  });

  it("ignores *_details keys and takes the last occurrence", () => {
    const text =
      '{"usage":{"prompt_tokens":1,"completion_tokens":2}} {"usage":{"prompt_tokens": 7,' +
      '"prompt_tokens_details":{"cached_tokens":3},"completion_tokens" : 9,"completion_tokens_details":{"reasoning_tokens":4}}}';
    expect(readUsage(text)).toEqual({ promptTokens: 7, completionTokens: 9 });
  });

  it("reads Responses usage", () => {
    const text = '{"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":3}}';
    expect(readUsage(text)).toEqual({ promptTokens: 12, completionTokens: 3 });
  });

  it("returns null when there is no usage, and skips non-integer values", () => {
    expect(readUsage('{"choices":[]}')).toBeNull();
    expect(readUsage('{"usage":null}')).toBeNull();
    expect(readUsage('{"prompt_tokens":1.5}')).toBeNull();
    expect(readUsage('{"prompt_tokens":4,"x":{"prompt_tokens":null}}')).toEqual({
      promptTokens: 4,
      completionTokens: 0,
    });
  });
});
