import { HelexaError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import {
  convertCountTokensRequest,
  convertTokenizeReply,
  parseAnthropicCountTokensRequest,
} from "./convert-count-tokens.js";

describe("count_tokens translation", () => {
  it("builds the tokenize body from system, messages and tools, without max_tokens", () => {
    const request = parseAnthropicCountTokensRequest({
      model: "tiny",
      system: "Be terse.",
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "w", input: { q: 1 } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "sunny" }] },
      ],
      tools: [{ name: "w", input_schema: { type: "object" } }],
    });
    expect(convertCountTokensRequest(request)).toEqual({
      model: "tiny",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "t", type: "function", function: { name: "w", arguments: '{"q":1}' } }],
        },
        { role: "tool", tool_call_id: "t", content: "sunny" },
      ],
      tools: [{ type: "function", function: { name: "w", parameters: { type: "object" } } }],
    });
  });

  it("refuses a body without messages, naming the field", () => {
    expect(() => parseAnthropicCountTokensRequest({ model: "tiny" })).toThrowError(
      /messages: field required/,
    );
    try {
      parseAnthropicCountTokensRequest({ model: "tiny" });
    } catch (error) {
      expect(HelexaError.is(error) && error.param).toBe("messages");
    }
  });

  it.each([
    [{ model: "tiny", tokens: 17 }, 17],
    [{ model: "tiny", tokens: [1, 2, 3] }, 3],
  ])("reads the count from %j", (reply, count) => {
    expect(convertTokenizeReply(reply)).toEqual({ input_tokens: count });
  });

  it("answers 502 for a reply without a count", () => {
    expect(() => convertTokenizeReply({ model: "tiny" })).toThrowError(
      /malformed upstream tokenize response/,
    );
  });
});
