import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { waitFor } from "../test-support/gate.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

// `cortex_cached_prompt_tokens_total` against a real neuron (tiny model, one sequence): a request that
// repeats the one before's prompt reuses its KV state, the reply says so in `cached_tokens`, and cortex
// counts what the reply said, so the counter over `cortex_prompt_tokens_total` is the actual hit ratio.
// Keys are on, so a stream without usage is settled from the neuron's usage lookup.
let neuron: SpawnedNeuron;
let cortex: TestCortex;
const recording = createRecordingEntitlements();
const KEY = { authorization: "Bearer sk-test" };
const settled = () => recording.calls.filter((call) => call.kind === "settle").length;

beforeAll(async () => {
  neuron = await spawnTinyNeuron({ sequences: 1, contextSize: 2048 });
  cortex = await createTestCortex({
    neurons: [{ name: "n", url: neuron.url }],
    entitlements: recording.entitlements,
  });
}, 120_000);

afterAll(async () => {
  cortex?.close();
  await neuron?.kill();
});

interface WireUsage {
  prompt_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "tiny",
  temperature: 0,
  max_tokens: 4,
  messages: [
    { role: "system", content: "You answer questions about the harbour town's history. ".repeat(8) },
    { role: "user", content },
  ],
  ...extra,
});

async function counter(name: string): Promise<number> {
  const text = await cortex.metricsText();
  const line = text.split("\n").find((row) => row.startsWith(`${name}{model="tiny",node="n"}`));
  return Number(line?.split(" ").at(-1) ?? 0);
}

async function streamedUsage(response: Response): Promise<WireUsage | undefined> {
  const frames = (await response.text()).split("\n\n").map((frame) => frame.replace(/^data: /, ""));
  const usage = frames
    .filter((data) => data.startsWith("{"))
    .map((data) => (JSON.parse(data) as { usage?: WireUsage | null }).usage)
    .filter((found): found is WireUsage => found != null);
  return usage.at(-1);
}

describe("cortex_cached_prompt_tokens_total", () => {
  it("counts the prompt tokens a neuron reports reused, beside the prompt tokens", async () => {
    const first = await cortex.post("/v1/chat/completions", ask("When was the lighthouse built?"), KEY);
    expect(first.status).toBe(200);
    const firstUsage = ((await first.json()) as { usage: WireUsage }).usage;
    await waitFor(() => settled() === 1);
    const promptBefore = await counter("cortex_prompt_tokens_total");
    const cachedBefore = await counter("cortex_cached_prompt_tokens_total");
    expect(promptBefore).toBe(firstUsage.prompt_tokens);
    expect(cachedBefore).toBe(firstUsage.prompt_tokens_details?.cached_tokens ?? 0);

    // The same system prompt and a different question: the shared prefix is reused.
    const second = await cortex.post("/v1/chat/completions", ask("Who kept the lighthouse?"), KEY);
    expect(second.status).toBe(200);
    const secondUsage = ((await second.json()) as { usage: WireUsage }).usage;
    await waitFor(() => settled() === 2);
    const reused = secondUsage.prompt_tokens_details?.cached_tokens ?? 0;
    expect(reused).toBeGreaterThan(50);
    expect(reused).toBeLessThan(secondUsage.prompt_tokens);
    expect(await counter("cortex_cached_prompt_tokens_total")).toBe(cachedBefore + reused);
    expect(await counter("cortex_prompt_tokens_total")).toBe(promptBefore + secondUsage.prompt_tokens);
  });

  it("counts them from a stream's usage chunk too", async () => {
    const cachedBefore = await counter("cortex_cached_prompt_tokens_total");
    const streamed = await cortex.post(
      "/v1/chat/completions",
      ask("Who kept the lighthouse?", { stream: true, stream_options: { include_usage: true } }),
      KEY,
    );
    expect(streamed.status).toBe(200);
    const usage = await streamedUsage(streamed);
    const reused = usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(reused).toBeGreaterThan(50);
    await waitFor(() => settled() === 3);
    expect(await counter("cortex_cached_prompt_tokens_total")).toBe(cachedBefore + reused);
  });

  it("counts them from the neuron's usage lookup when the stream carried no usage", async () => {
    const cachedBefore = await counter("cortex_cached_prompt_tokens_total");
    const promptBefore = await counter("cortex_prompt_tokens_total");
    const streamed = await cortex.post(
      "/v1/chat/completions",
      ask("Who kept the lighthouse?", { stream: true }),
      KEY,
    );
    expect(streamed.status).toBe(200);
    expect(await streamedUsage(streamed)).toBeUndefined();
    await waitFor(() => settled() === 4);
    const prompt = (await counter("cortex_prompt_tokens_total")) - promptBefore;
    const reused = (await counter("cortex_cached_prompt_tokens_total")) - cachedBefore;
    expect(prompt).toBeGreaterThan(0);
    expect(reused).toBeGreaterThan(50);
    expect(reused).toBeLessThan(prompt);
  });
});
