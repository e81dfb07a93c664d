import { describe, expect, it } from "vitest";
import { buildChatCompletion } from "./chat-completion-response.js";
import type { CollectedGeneration } from "./collect-generation.js";

const meta = { id: "chatcmpl-1", created: 1_700_000_000, model: "tiny" };
const result: CollectedGeneration = {
  content: "hello",
  reasoning: "",
  toolCalls: [],
  finishReason: "stop",
  stopSequence: null,
  usage: { promptTokens: 7, completionTokens: 3, cachedTokens: 2, reasoningTokens: 0 },
  logprobs: [],
};

describe("buildChatCompletion", () => {
  it("leaves system_fingerprint out: OpenAI's schema has it as an optional string, never null", () => {
    const completion = buildChatCompletion(result, meta);
    expect(completion).not.toHaveProperty("system_fingerprint");
    expect(completion).toMatchObject({ id: "chatcmpl-1", object: "chat.completion", model: "tiny" });
  });

  it("answers a tool call with null content and the calls", () => {
    const call = { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' };
    const completion = buildChatCompletion(
      { ...result, content: "", toolCalls: [call], finishReason: "tool_calls" },
      meta,
    );
    expect(completion.choices[0]?.message).toMatchObject({
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather" } }],
    });
  });
});

describe("buildChatCompletion with several choices and logprobs", () => {
  const logprob = {
    token: "he",
    logprob: -0.5,
    bytes: [104, 101],
    top: [{ token: "he", logprob: -0.5, bytes: [104, 101] }],
  };
  it("numbers the choices, sums completion tokens (the prompt once) and shapes logprobs as OpenAI does", () => {
    const completion = buildChatCompletion(
      [
        { ...result, logprobs: [logprob] },
        { ...result, content: "bye", usage: { ...result.usage, completionTokens: 5 } },
      ],
      meta,
      true,
    );
    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, "hello"],
      [1, "bye"],
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 8, total_tokens: 15 });
    expect(completion.choices[0]?.logprobs).toEqual({
      content: [
        {
          token: "he",
          logprob: -0.5,
          bytes: [104, 101],
          top_logprobs: [{ token: "he", logprob: -0.5, bytes: [104, 101] }],
        },
      ],
      refusal: null,
    });
    expect(completion.choices[1]?.logprobs).toEqual({ content: [], refusal: null });
    expect(buildChatCompletion(result, meta).choices[0]?.logprobs).toBeNull();
  });
});
