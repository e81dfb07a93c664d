import { describe, expect, it } from "vitest";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { HeldEvents } from "./held-events.js";

const usage = { promptTokens: 1, completionTokens: 3, cachedTokens: 0, reasoningTokens: 1 };

describe("HeldEvents", () => {
  it("releases nothing before the end, then every event at once with deltas merged in order", () => {
    const released: GenerationEvent[][] = [];
    const held = new HeldEvents((events) => released.push(events));
    held.push({ type: "delta", reasoning: "th" });
    held.push({ type: "delta", reasoning: "ink" });
    held.push({ type: "delta", content: "a" });
    held.push({ type: "delta", content: "b" });
    held.push({ type: "tool_call", index: 0, id: "call_0", name: "f", arguments: "{}" });
    expect(released).toEqual([]);
    held.push({ type: "done", finishReason: "tool_calls", usage });
    expect(released).toHaveLength(1);
    const [events] = released;
    expect(events?.slice(0, 3)).toEqual([
      { type: "delta", reasoning: "think" },
      { type: "delta", content: "ab" },
      { type: "tool_call", index: 0, id: "call_0", name: "f", arguments: "{}" },
    ]);
    const done = events?.[3];
    expect(done).toMatchObject({ type: "done", finishReason: "tool_calls", usage });
    expect(done?.type === "done" ? done.firstTokenLeadMs : undefined).toBeGreaterThanOrEqual(0);
  });

  it("ends with an error event as is, and a done without tokens has no first-token lead", () => {
    const released: GenerationEvent[][] = [];
    const held = new HeldEvents((events) => released.push(events));
    held.push({ type: "done", finishReason: "length", usage });
    held.push({ type: "delta", content: "x" });
    held.push({ type: "error", message: "worker failed" });
    expect(released).toEqual([
      [{ type: "done", finishReason: "length", usage }],
      [
        { type: "delta", content: "x" },
        { type: "error", message: "worker failed" },
      ],
    ]);
  });
});
