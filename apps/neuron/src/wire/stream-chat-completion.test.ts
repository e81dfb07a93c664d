import { describe, expect, it } from "vitest";
import { doneEvent, generationEvents, recordSse } from "../test-support/record-sse.js";
import { streamChatCompletion } from "./stream-chat-completion.js";

const meta = { id: "chatcmpl-1", created: 1_700_000_000, model: "tiny" };

describe("streamChatCompletion", () => {
  it("sends chunks without system_fingerprint (an optional string in OpenAI's schema, never null)", async () => {
    const { sink, frames } = recordSse();
    const events = generationEvents([{ type: "delta", content: "hi" }, doneEvent()]);
    await streamChatCompletion(sink, events, meta, true, new AbortController().signal);
    const chunks = frames.map((frame) => frame.payload).filter((payload) => payload !== "[DONE]");
    expect(chunks).toHaveLength(4); // role, "hi", finish, usage
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: "chat.completion.chunk" });
      expect(chunk).not.toHaveProperty("system_fingerprint");
    }
    expect(frames.at(-1)?.payload).toBe("[DONE]");
  });

  it("ends a cut generation with an error frame that says what it is charged, then [DONE]", async () => {
    const { sink, frames } = recordSse();
    const usage = { promptTokens: 5, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0 };
    const events = generationEvents([
      { type: "delta", content: "hi", tokens: 2 },
      { type: "error", message: "model worker exited (SIGKILL)", usage },
    ]);
    await streamChatCompletion(sink, events, meta, false, new AbortController().signal);
    expect(frames.at(-2)?.payload).toMatchObject({
      error: { message: "model worker exited (SIGKILL)", type: "api_error", code: "generation_failed" },
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    expect(frames.at(-1)?.payload).toBe("[DONE]");
  });
});

describe("streamChatCompletion with several choices", () => {
  it("gives each choice its role chunk, tags deltas with their index, and sends usage (summed) after the last finish", async () => {
    const { sink, frames } = recordSse();
    const first = generationEvents([
      { type: "delta", content: "a", logprobs: [{ token: "a", logprob: -1, bytes: [97], top: [] }] },
      doneEvent(),
    ]);
    const second = generationEvents([{ type: "delta", content: "b", logprobs: [] }, doneEvent("length")]);
    await streamChatCompletion(sink, [first, second], meta, true, new AbortController().signal, true);
    const chunks = frames.map((frame) => frame.payload).filter((payload) => payload !== "[DONE]") as Array<{
      choices: Array<{
        index: number;
        delta: Record<string, unknown>;
        finish_reason: string | null;
        logprobs: unknown;
      }>;
      usage?: unknown;
    }>;
    const roles = chunks.filter((chunk) => chunk.choices[0]?.delta.role === "assistant");
    expect(roles.map((chunk) => chunk.choices[0]?.index)).toEqual([0, 1]);
    const contents = chunks.filter(
      (chunk) => chunk.choices[0]?.delta.content === "a" || chunk.choices[0]?.delta.content === "b",
    );
    expect(contents.map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.delta.content])).toEqual(
      expect.arrayContaining([
        [0, "a"],
        [1, "b"],
      ]),
    );
    expect(contents.find((chunk) => chunk.choices[0]?.index === 0)?.choices[0]?.logprobs).toEqual({
      content: [{ token: "a", logprob: -1, bytes: [97], top_logprobs: [] }],
      refusal: null,
    });
    const finishes = chunks.filter((chunk) => chunk.choices[0]?.finish_reason != null);
    expect(
      finishes.map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.finish_reason]).sort(),
    ).toEqual([
      [0, "stop"],
      [1, "length"],
    ]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 6 } });
    expect(frames.at(-1)?.payload).toBe("[DONE]");
    expect(frames.filter((frame) => frame.payload === "[DONE]")).toHaveLength(1);
  });
});
