import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineChatRequest, EngineCompletionRequest, EngineSampling } from "../ipc/engine-request.js";
import type { GenerationEvent, TokenLogprob } from "../ipc/generation-event.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";
import { loadModelRuntime, type ModelRuntime } from "./load-model-runtime.js";
import { runChatGeneration } from "./run-chat-generation.js";
import { runCompletionGeneration } from "./run-completion-generation.js";

// Real inference on the tiny model, in this process.
let runtime: ModelRuntime;

beforeAll(async () => {
  runtime = await loadModelRuntime(
    {
      modelId: "tiny",
      source: { kind: "path", path: await tinyModelFile() },
      contextSize: 2048,
      sequences: 1,
      gpu: "cpu",
      threads: 1,
      gpuLayers: 0,
    },
    () => {},
  );
});

afterAll(async () => {
  await runtime?.dispose();
});

const chat = (sampling: Partial<EngineSampling>): EngineChatRequest => ({
  kind: "chat",
  messages: [{ role: "user", content: "Say something" }],
  tools: [],
  toolChoice: "auto",
  responseFormat: { type: "text" },
  sampling: { temperature: 0, maxTokens: 12, stop: [], ...sampling },
});

const completion = (sampling: Partial<EngineSampling>): EngineCompletionRequest => ({
  kind: "completion",
  prompt: "Once upon a time",
  responseFormat: { type: "text" },
  sampling: { temperature: 0, maxTokens: 12, stop: [], ...sampling },
});

async function run(request: EngineChatRequest | EngineCompletionRequest, streamed = true) {
  const events: GenerationEvent[] = [];
  const emit = (event: GenerationEvent) => events.push(event);
  const signal = new AbortController().signal;
  if (request.kind === "chat") await runChatGeneration(runtime, request, emit, signal, undefined, streamed);
  else await runCompletionGeneration(runtime, request, emit, signal, undefined, streamed);
  const deltas = events.filter((event) => event.type === "delta");
  const text = deltas.map((event) => event.content ?? "").join("");
  const logprobs = deltas.flatMap((event) => event.logprobs ?? []);
  const done = events.find((event) => event.type === "done");
  return { events, text, logprobs, done, hasLogprobs: deltas.some((event) => event.logprobs !== undefined) };
}

function expectRealLogprobs(logprobs: TokenLogprob[], top: number) {
  for (const entry of logprobs) {
    expect(entry.logprob).toBeLessThanOrEqual(0);
    expect(entry.bytes).toEqual([...Buffer.from(entry.token, "utf8")]);
    expect(entry.top).toHaveLength(top);
    const values = entry.top.map((alternative) => alternative.logprob);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    for (const value of values) expect(value).toBeLessThanOrEqual(0);
    // Greedy: the chosen token is the most likely one, so it heads its own list.
    if (top > 0)
      expect(entry.top[0]).toEqual({ token: entry.token, logprob: entry.logprob, bytes: entry.bytes });
  }
}

describe("logprobs from the engine", () => {
  it("gives each generated chat token its logprob and top alternatives; their text is the answer", async () => {
    for (const streamed of [true, false]) {
      const result = await run(chat({ logprobs: 3 }), streamed);
      expect(result.text).not.toBe("");
      expect(result.logprobs.map((entry) => entry.token).join("")).toBe(result.text);
      expect(result.logprobs).toHaveLength(
        result.done?.type === "done" ? result.done.usage.completionTokens : -1,
      );
      expectRealLogprobs(result.logprobs, 3);
      // A uniform guess over 279 tokens would be ln(1/279) ≈ -5.6; the values come from the model.
      expect(new Set(result.logprobs.map((entry) => entry.logprob)).size).toBeGreaterThan(1);
    }
  });

  it("gives completion tokens theirs, with 0 alternatives when top is 0", async () => {
    const result = await run(completion({ logprobs: 0 }), false);
    expect(result.logprobs.map((entry) => entry.token).join("")).toBe(result.text);
    expectRealLogprobs(result.logprobs, 0);
    expect(result.logprobs.length).toBeGreaterThan(0);
  });

  it("without alternatives, gives the same values from the chosen token's probability alone", async () => {
    const withTop = await run(chat({ logprobs: 5 }));
    const alone = await run(chat({ logprobs: 0 }));
    expect(alone.logprobs.map((entry) => entry.token)).toEqual(withTop.logprobs.map((entry) => entry.token));
    for (const [index, entry] of alone.logprobs.entries()) {
      expect(entry.top).toEqual([]);
      expect(entry.logprob).toBeCloseTo(withTop.logprobs[index]?.logprob ?? 1, 5);
    }
  });

  it("sends none unless asked", async () => {
    expect((await run(chat({}))).hasLogprobs).toBe(false);
    expect((await run(completion({}))).hasLogprobs).toBe(false);
  });
});

describe("logit_bias in the engine", () => {
  it("banning the token greedy decoding picks first changes the answer and never emits it", async () => {
    for (const request of [chat, completion]) {
      const plain = await run(request({ logprobs: 0 }));
      const firstText = plain.logprobs[0]?.token ?? "";
      const first = runtime.model.tokenize(firstText);
      expect(first).toHaveLength(1);
      const banned = await run(request({ logprobs: 0, logitBias: { [String(first[0])]: -100 } }));
      expect(banned.text).not.toBe(plain.text);
      expect(banned.logprobs.length).toBeGreaterThan(0);
      expect(banned.logprobs.map((entry) => entry.token)).not.toContain(firstText);
    }
  });

  it("a strong positive bias makes greedy decoding pick the token", async () => {
    const token = runtime.model.tokenize("Q")[0];
    const result = await run(completion({ logitBias: { [String(token)]: 100 }, maxTokens: 4 }));
    expect(result.text).toBe("QQQQ");
  });

  it("refuses a token id outside the vocabulary, naming logit_bias", async () => {
    await expect(run(chat({ logitBias: { "999999": 5 } }))).rejects.toMatchObject({
      name: "HelexaError",
      statusCode: 400,
      param: "logit_bias",
    });
  });
});
