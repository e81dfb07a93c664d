import {
  PREFIX_BLOCK_CHARS,
  type PrefixCacheSummary,
  prefixBlockHashes,
  summarizePrefixBlocks,
} from "@helexa/core";
import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { chatReply } from "../test-support/fake-neuron.js";
import { createGate, waitFor } from "../test-support/gate.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();

const chat = {
  model: "test-model",
  messages: [
    { role: "system", content: "You are a coding agent. ".repeat(60) },
    { role: "user", content: "Fix the failing test in the parser module, please. ".repeat(10) },
  ],
};
/** What a neuron whose sequence evaluated `chat` reports for it. */
const holding = {
  block_chars: PREFIX_BLOCK_CHARS,
  sequences: [summarizePrefixBlocks(prefixBlockHashes("/v1/chat/completions", chat))],
};

const load = (inFlight: number, prefixCache?: PrefixCacheSummary) => ({
  models: [
    {
      id: "test-model",
      in_flight: inFlight,
      queue_depth: 0,
      max_in_flight: 2,
      max_queue_depth: 4,
      chars_per_token: 4,
      ...(prefixCache === undefined ? {} : { prefix_cache: prefixCache }),
    },
  ],
});

async function fleetOfTwo(strategy: "cache_aware" | "least_busy", bInFlight = 0) {
  const a = await neuron({ health: load(0) });
  const b = await neuron({ health: load(bInFlight, holding) });
  const cortex = await createTestCortex({
    neurons: [
      { name: "node-a", url: a.url },
      { name: "node-b", url: b.url },
    ],
    config: { routing: { strategy, loadFactor: 1.25 } },
  });
  return { a, b, cortex };
}

describe("cache-aware routing", () => {
  it("sends a request to the replica whose sequences hold its prefix, and counts the expected hit", async () => {
    const { a, b, cortex } = await fleetOfTwo("cache_aware");
    const continued = { ...chat, messages: [...chat.messages, { role: "assistant", content: "Done." }] };
    expect((await cortex.post("/v1/chat/completions", continued)).status).toBe(200);
    expect([a.inferenceRequests().length, b.inferenceRequests().length]).toEqual([0, 1]);
    const metrics = await cortex.metricsText();
    const hit = /cortex_route_cache_hit_tokens_total\{model="test-model",node="node-b"\} (\d+)/.exec(metrics);
    // Every whole block of the held prompt, at the replica's 4 characters per token.
    const heldBlocks = prefixBlockHashes("/v1/chat/completions", chat).length;
    expect(heldBlocks).toBeGreaterThan(4);
    expect(Number(hit?.[1])).toBe(Math.floor((heldBlocks * PREFIX_BLOCK_CHARS) / 4));
  });

  it("routes by load alone with strategy least_busy", async () => {
    const { a, b, cortex } = await fleetOfTwo("least_busy");
    expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(200);
    expect([a.inferenceRequests().length, b.inferenceRequests().length]).toEqual([1, 0]);
    expect(await cortex.metricsText()).not.toMatch(/cortex_route_cache_hit_tokens_total\{/);
  });

  it("lets load win when the replica holding the prefix is over the load bound", async () => {
    const { a, b, cortex } = await fleetOfTwo("cache_aware", 2);
    expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(200);
    expect([a.inferenceRequests().length, b.inferenceRequests().length]).toEqual([1, 0]);
  });

  it("counts a prompt it routed as held there until a poll shows it (the next turn comes before the poll)", async () => {
    const a = await neuron({ health: load(0) });
    const b = await neuron({ health: load(0) });
    const cortex = await createTestCortex({
      neurons: [
        { name: "node-a", url: a.url },
        { name: "node-b", url: b.url },
      ],
      config: { routing: { strategy: "cache_aware", loadFactor: 1.25 } },
    });
    expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(200);
    expect(a.inferenceRequests()).toHaveLength(1);
    // node-a is now the busier one, and no poll reports what its sequences hold.
    a.health = { ...a.health, ...load(1) };
    await cortex.poller.pollOnce();
    const next = { ...chat, messages: [...chat.messages, { role: "assistant", content: "Done." }] };
    expect((await cortex.post("/v1/chat/completions", next)).status).toBe(200);
    expect([a.inferenceRequests().length, b.inferenceRequests().length]).toEqual([2, 0]);
  });

  it("does not count a turn that finished since the last poll against its replica's bound", async () => {
    const gate = createGate();
    const a = await neuron({
      health: load(0),
      inference: async (request) => {
        await gate.promise;
        return chatReply(JSON.parse(request.body).model);
      },
    });
    const b = await neuron({ health: load(0) });
    const cortex = await createTestCortex({
      neurons: [
        { name: "node-a", url: a.url },
        { name: "node-b", url: b.url },
      ],
      config: { routing: { strategy: "cache_aware", loadFactor: 1.25 } },
    });
    const first = cortex.post("/v1/chat/completions", chat);
    await waitFor(() => a.inferenceRequests().length === 1);
    // Polled while that turn runs (node-a full), then the turn ends before the next poll.
    a.health = { ...a.health, ...load(2) };
    await cortex.poller.pollOnce();
    gate.open();
    expect((await first).status).toBe(200);
    const next = { ...chat, messages: [...chat.messages, { role: "assistant", content: "Done." }] };
    expect((await cortex.post("/v1/chat/completions", next)).status).toBe(200);
    expect([a.inferenceRequests().length, b.inferenceRequests().length]).toEqual([2, 0]);
  });

  it("keeps one session on one replica when no prefix is cached (x-session-id)", async () => {
    const a = await neuron({ health: load(0) });
    const b = await neuron({ health: load(0) });
    const cortex = await createTestCortex({
      neurons: [
        { name: "node-a", url: a.url },
        { name: "node-b", url: b.url },
      ],
      config: { routing: { strategy: "cache_aware", loadFactor: 1.25 } },
    });
    const short = { model: "test-model", messages: [{ role: "user", content: "hi" }] };
    for (const session of ["s-1", "s-2", "s-3", "s-4", "s-5", "s-6"]) {
      const before = [a.inferenceRequests().length, b.inferenceRequests().length];
      await cortex.post("/v1/chat/completions", short, { "x-session-id": session });
      await cortex.post("/v1/chat/completions", short, { "x-session-id": session });
      const after = [a.inferenceRequests().length, b.inferenceRequests().length];
      // Both turns of a session went to the same replica.
      expect(after[0]! - before[0]! === 2 || after[1]! - before[1]! === 2).toBe(true);
    }
    // Sessions spread over both replicas.
    expect(a.inferenceRequests().length).toBeGreaterThan(0);
    expect(b.inferenceRequests().length).toBeGreaterThan(0);
  });
});
