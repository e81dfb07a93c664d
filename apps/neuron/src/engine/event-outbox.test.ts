import { describe, expect, it } from "vitest";
import type { WorkerMessage } from "../ipc/worker-protocol.js";
import { EventOutbox } from "./event-outbox.js";

const usage = { promptTokens: 1, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0 };

describe("EventOutbox", () => {
  it("batches one turn's events into one message, merging consecutive deltas of a request", async () => {
    const sent: WorkerMessage[] = [];
    const outbox = new EventOutbox((message) => sent.push(message));
    outbox.push(1, { type: "delta", content: "a" });
    outbox.push(1, { type: "delta", content: "b" });
    outbox.push(2, { type: "delta", content: "x" });
    outbox.push(1, { type: "delta", reasoning: "r" });
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([
      {
        type: "events",
        items: [
          { id: 1, event: { type: "delta", content: "ab" } },
          { id: 2, event: { type: "delta", content: "x" } },
          { id: 1, event: { type: "delta", reasoning: "r" } },
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
});
