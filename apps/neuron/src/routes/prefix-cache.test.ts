import { PREFIX_BLOCK_CHARS, prefixBlockHashes, summarizePrefixBlocks } from "@helexa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson } from "../test-support/post-json.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// What a neuron says its sequences hold (`/health` prefix_cache), and the host memory that keeps a
// sequence's state when another conversation takes it: real inference on the tiny model, one sequence.
let kept: RunningNeuron;
let forgetful: RunningNeuron;

beforeAll(async () => {
  const path = await tinyModelFile();
  const model = { id: "tiny", path, context_size: 2048, sequences: 1, preload: true };
  [kept, forgetful] = await Promise.all([
    startTestNeuron(testConfig([model], { prefix_cache: { host_memory_mb: 64 } })),
    startTestNeuron(testConfig([model], { prefix_cache: { host_memory_mb: 0 } })),
  ]);
});

afterAll(async () => {
  await Promise.all([kept?.close(), forgetful?.close()]);
});

const conversation = (topic: string, turns: number) => ({
  model: "tiny",
  temperature: 0,
  max_tokens: 4,
  messages: [
    {
      role: "system",
      content: `You discuss ${topic}. ${"Keep every answer short and precise. ".repeat(12)}`,
    },
    ...Array.from({ length: turns }, (_, turn) => [
      { role: "user", content: `About ${topic}, question ${turn}: ${"tell me more, ".repeat(10)}` },
      { role: "assistant", content: `Answer ${turn} on ${topic}.` },
    ]).flat(),
    { role: "user", content: "And then?" },
  ],
});

interface ChatReply {
  usage: { prompt_tokens: number; prompt_tokens_details?: { cached_tokens?: number } };
}

async function chat(neuron: RunningNeuron, body: unknown): Promise<ChatReply["usage"]> {
  const response = await postJson(`${neuron.url}/v1/chat/completions`, body);
  expect(response.status).toBe(200);
  return ((await response.json()) as ChatReply).usage;
}

async function prefixCache(neuron: RunningNeuron): Promise<{ block_chars: number; sequences: string[][] }> {
  const health = (await (await fetch(`${neuron.url}/health`)).json()) as {
    models: Array<{ id: string; prefix_cache?: { block_chars: number; sequences: string[][] } }>;
  };
  const cache = health.models.find((model) => model.id === "tiny")?.prefix_cache;
  if (cache === undefined) throw new Error("no prefix_cache on /health");
  return cache;
}

const cached = (usage: ChatReply["usage"]) => usage.prompt_tokens_details?.cached_tokens ?? 0;

describe("prefix cache", () => {
  it("reports the block hashes cortex computes for the same body, kept states included", async () => {
    const first = conversation("rivers", 2);
    const second = conversation("mountains", 2);
    await chat(kept, first);
    await chat(kept, second);
    const cache = await prefixCache(kept);
    expect(cache.block_chars).toBe(PREFIX_BLOCK_CHARS);
    const expected = (body: unknown) =>
      summarizePrefixBlocks(prefixBlockHashes("/v1/chat/completions", body));
    expect(expected(first).length).toBeGreaterThan(1);
    // The one sequence holds the second conversation; the first one's state is kept in host memory.
    expect(cache.sequences).toContainEqual(expected(second));
    expect(cache.sequences).toContainEqual(expected(first));
  });

  it("restores a returning conversation's state from host memory instead of recomputing it", async () => {
    await chat(kept, conversation("oceans", 3));
    await chat(kept, conversation("deserts", 3));
    const returning = await chat(kept, conversation("oceans", 4));
    // Its whole previous prompt is reused, though another conversation ran in its only sequence since.
    expect(cached(returning)).toBeGreaterThan(returning.prompt_tokens / 2);

    await chat(forgetful, conversation("oceans", 3));
    await chat(forgetful, conversation("deserts", 3));
    const recomputed = await chat(forgetful, conversation("oceans", 4));
    expect(cached(recomputed)).toBeLessThan(recomputed.prompt_tokens / 4);
    expect(returning.prompt_tokens).toBe(recomputed.prompt_tokens);
  });
});
