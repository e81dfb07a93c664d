import { describe, expect, it } from "vitest";
import { readUsage } from "./reply-writer.js";

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
    expect(readUsage(text)).toEqual({ promptTokens: 7, completionTokens: 9, cachedTokens: 3 });
  });

  it("reads Responses usage", () => {
    const text = '{"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":0},"output_tokens":3}}';
    expect(readUsage(text)).toEqual({ promptTokens: 12, completionTokens: 3, cachedTokens: 0 });
  });

  it("reads the cached prompt tokens, bounded by the prompt, and leaves them out when the reply did not say", () => {
    const chat =
      '{"usage":{"prompt_tokens":40,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":31}}}';
    expect(readUsage(chat)).toEqual({ promptTokens: 40, completionTokens: 2, cachedTokens: 31 });
    const tooMany =
      '{"usage":{"prompt_tokens":5,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":9}}}';
    expect(readUsage(tooMany)?.cachedTokens).toBe(5);
    expect(readUsage('{"usage":{"prompt_tokens":5,"completion_tokens":1}}')).not.toHaveProperty(
      "cachedTokens",
    );
    // A message that quotes the key is escaped JSON, never the key itself.
    const quoted =
      '{"choices":[{"delta":{"content":"{\\"cached_tokens\\": 99}"}}]} {"usage":{"prompt_tokens":5,"completion_tokens":1}}';
    expect(readUsage(quoted)).toEqual({ promptTokens: 5, completionTokens: 1 });
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
