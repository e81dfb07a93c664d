import { describe, expect, it } from "vitest";
import type { WorkerMessage } from "../ipc/worker-protocol.js";
import { EventOutbox } from "./event-outbox.js";

const usage = { promptTokens: 1, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0 };

describe("EventOutbox", () => {
  it("batches one turn's events into one message, merging each request's consecutive deltas", async () => {
    const sent: WorkerMessage[] = [];
    const outbox = new EventOutbox((message) => sent.push(message));
    outbox.push(1, { type: "delta", content: "a" });
    outbox.push(2, { type: "delta", content: "x" });
    outbox.push(1, { type: "delta", content: "b" });
    outbox.push(2, { type: "delta", content: "y" });
    outbox.push(1, { type: "delta", reasoning: "r" });
    outbox.push(1, { type: "delta", content: "c" });
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([
      {
        type: "events",
        items: [
          { id: 1, event: { type: "delta", content: "ab" } },
          { id: 2, event: { type: "delta", content: "xy" } },
          { id: 1, event: { type: "delta", reasoning: "r" } },
          { id: 1, event: { type: "delta", content: "c" } },
        ],
      },
    ]);
  });

  it("keeps the logprobs of merged deltas, in order", async () => {
    const sent: WorkerMessage[] = [];
    const outbox = new EventOutbox((message) => sent.push(message));
    const logprob = (token: string) => ({ token, logprob: -1, bytes: [token.charCodeAt(0)], top: [] });
    outbox.push(1, { type: "delta", content: "a", logprobs: [logprob("a")] });
    outbox.push(1, { type: "delta", content: "b" });
    outbox.push(1, { type: "delta", content: "c", logprobs: [logprob("c")] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([
      {
        type: "events",
        items: [{ id: 1, event: { type: "delta", content: "abc", logprobs: [logprob("a"), logprob("c")] } }],
      },
    ]);
  });

  it("sums the token counts of merged deltas", async () => {
    const sent: WorkerMessage[] = [];
    const outbox = new EventOutbox((message) => sent.push(message));
    outbox.push(1, { type: "delta", reasoning: "r", tokens: 2 });
    outbox.push(1, { type: "delta", reasoning: "s" });
    outbox.push(1, { type: "delta", content: "a", tokens: 1 });
    outbox.push(1, { type: "delta", content: "bc", tokens: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([
      {
        type: "events",
        items: [
          { id: 1, event: { type: "delta", reasoning: "rs", tokens: 2 } },
          { id: 1, event: { type: "delta", content: "abc", tokens: 4 } },
        ],
      },
    ]);
  });

  it("sends terminal events at once, with everything pending before them", () => {
    const sent: WorkerMessage[] = [];
    const outbox = new EventOutbox((message) => sent.push(message));
    outbox.push(1, { type: "delta", content: "a" });
    outbox.push(1, { type: "done", finishReason: "stop", usage });
    expect(sent).toEqual([
      {
        type: "events",
        items: [
          { id: 1, event: { type: "delta", content: "a" } },
          { id: 1, event: { type: "done", finishReason: "stop", usage } },
        ],
      },
    ]);
  });

  it("sends a request's first event on the next turn, later ones at most once per interval", async () => {
    const sent: WorkerMessage[] = [];
    const outbox = new EventOutbox((message) => sent.push(message), 60_000);
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    outbox.push(1, { type: "delta", content: "a" });
    await nextTurn();
    expect(sent).toHaveLength(1);
    outbox.push(1, { type: "delta", content: "b" });
    await nextTurn();
    expect(sent).toHaveLength(1);
    // Another request's first token does not wait for the interval, and takes pending deltas along.
    outbox.push(2, { type: "delta", content: "x" });
    await nextTurn();
    expect(sent[1]).toEqual({
      type: "events",
      items: [
        { id: 1, event: { type: "delta", content: "b" } },
        { id: 2, event: { type: "delta", content: "x" } },
      ],
    });
    outbox.push(2, { type: "done", finishReason: "stop", usage });
    outbox.push(1, { type: "done", finishReason: "stop", usage });
    expect(sent).toHaveLength(4);
  });

  it("sends counts ahead of the events of the same message", () => {
    const sent: WorkerMessage[] = [];
    const outbox = new EventOutbox((message) => sent.push(message));
    const result = { promptTokens: 3, characters: 5, textTokens: 2 };
    outbox.pushCounted(7, result);
    outbox.push(7, { type: "delta", content: "a" });
    outbox.push(7, { type: "done", finishReason: "stop", usage });
    expect(sent).toEqual([
      {
        type: "events",
        items: [
          { id: 7, event: { type: "delta", content: "a" } },
          { id: 7, event: { type: "done", finishReason: "stop", usage } },
        ],
        counted: [{ id: 7, result }],
      },
    ]);
  });
});
