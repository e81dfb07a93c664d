import { HelexaError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { convertChatCompletionToAnthropic } from "./convert-chat-completion-to-anthropic.js";

function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-abc123",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "tiny",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: "stop", ...extra }],
    usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 },
  };
}

describe("convertChatCompletionToAnthropic", () => {
  it("translates a text reply, naming the model the client asked for (as the stream does)", () => {
    const message = convertChatCompletionToAnthropic(completion({ content: "Hello there" }), {
      model: "alias",
    });
    expect(message).toEqual({
      id: "msg_abc123",
      type: "message",
      role: "assistant",
      model: "alias",
      content: [{ type: "text", text: "Hello there" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 20,
        output_tokens: 7,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it("keeps tool calls as tool_use blocks after thinking and text", () => {
    const json = completion(
      {
        content: "Let me check.",
        reasoning_content: "The user wants weather.",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          { id: "call_2", type: "function", function: { name: "get_time", arguments: "" } },
          { type: "function", function: { name: "broken", arguments: "{not json" } },
        ],
      },
      { finish_reason: "tool_calls" },
    );
    const message = convertChatCompletionToAnthropic(json, { model: "tiny" });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.slice(0, 4)).toEqual([
      { type: "thinking", thinking: "The user wants weather.", signature: "" },
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
    ]);
    const broken = message.content[4];
    expect(broken).toMatchObject({ type: "tool_use", name: "broken", input: {} });
    expect(broken?.type === "tool_use" && broken.id.startsWith("toolu_")).toBe(true);
  });

  it("accepts null content on a tool-call reply (not a malformed 502)", () => {
    const json = completion(
      {
        content: null,
        tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { finish_reason: "tool_calls" },
    );
    const message = convertChatCompletionToAnthropic(json, { model: "tiny" });
    expect(message.content).toEqual([{ type: "tool_use", id: "toolu_c", name: "f", input: {} }]);
  });

  it.each([
    ["length", undefined, "max_tokens", null],
    ["stop", "END", "stop_sequence", "END"],
    ["stop", "OTHER", "end_turn", null],
    ["stop", 128009, "end_turn", null],
    ["content_filter", undefined, "refusal", null],
    [null, undefined, "end_turn", null],
  ])("maps finish_reason %s (matched %s) to %s", (finishReason, matched, stopReason, stopSequence) => {
    const json = completion({ content: "x" }, { finish_reason: finishReason, stop_reason: matched });
    const message = convertChatCompletionToAnthropic(json, { model: "tiny", stopSequences: ["END"] });
    expect(message.stop_reason).toBe(stopReason);
    expect(message.stop_sequence).toBe(stopSequence);
  });

  it("recognises SGLang's matched_stop as well", () => {
    const json = completion({ content: "x" }, { matched_stop: "###" });
    const message = convertChatCompletionToAnthropic(json, { model: "tiny", stopSequences: ["###"] });
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "###" });
  });

  it("reports cached prompt tokens separately, as Anthropic does", () => {
    const json = {
      ...completion({ content: "x" }),
      usage: { prompt_tokens: 100, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 64 } },
    };
    expect(convertChatCompletionToAnthropic(json, { model: "tiny" }).usage).toEqual({
      input_tokens: 36,
      output_tokens: 3,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 64,
    });
  });

  it("fills defaults when the upstream omits id, model and usage", () => {
    const json = {
      choices: [
        {
          message: {
            content: [
              { type: "text", text: "a" },
              { type: "text", text: "b" },
            ],
          },
        },
      ],
    };
    const message = convertChatCompletionToAnthropic(json, { model: "requested" });
    expect(message.model).toBe("requested");
    expect(message.id).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(message.content).toEqual([{ type: "text", text: "ab" }]);
    expect(message.usage.input_tokens).toBe(0);
  });

  it.each([[null], [{}], [{ choices: [] }], [{ choices: [{}] }], ["text"]])(
    "answers 502 upstream_malformed_response for %j",
    (json) => {
      let caught: unknown;
      try {
        convertChatCompletionToAnthropic(json, { model: "tiny" });
      } catch (error) {
        caught = error;
      }
      expect(HelexaError.is(caught)).toBe(true);
      expect(caught).toMatchObject({ statusCode: 502, code: "upstream_malformed_response" });
    },
  );
});
