import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { waitFor } from "../test-support/gate.js";
import {
  createRecordingEntitlements,
  type EntitlementsCall,
} from "../test-support/recording-entitlements.js";
import { serveApp } from "../test-support/serve-app.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

// Fill-in-the-middle through cortex to a real neuron (tiny model, which has FIM tokens), with keys on:
// llama.cpp's /infill and /v1/completions' suffix, echo and token-id prompts are routed, held and billed
// like the other inference routes. Cortex's fast path (serveDirect) serves them, as in production.
let neuron: SpawnedNeuron;
let cortex: TestCortex;
let server: { url: string; close(): Promise<void> };
const recording = createRecordingEntitlements();
const KEY = { authorization: "Bearer sk-test" };
const prefix = "def add(a, b):\n    return";
const suffix = "\n\nprint(add(1, 2))\n";

beforeAll(async () => {
  neuron = await spawnTinyNeuron({ sequences: 2, maxQueueDepth: 8, contextSize: 4096 });
  cortex = await createTestCortex({
    neurons: [{ name: "n", url: neuron.url }],
    entitlements: recording.entitlements,
  });
  server = await serveApp(cortex);
}, 120_000);

afterAll(async () => {
  await server?.close();
  cortex?.close();
  await neuron?.kill();
});

function post(route: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...KEY },
    body: JSON.stringify(body),
  });
}

type Reserve = Extract<EntitlementsCall, { kind: "reserve" }>;
type Settle = Extract<EntitlementsCall, { kind: "settle" }>;

/** The hold and the settlement of the one request made since `before`. */
async function heldAndSettled(before: number): Promise<{ reserve: Reserve; settle: Settle }> {
  await waitFor(() => recording.calls.slice(before).some((call) => call.kind === "settle"));
  const calls = recording.calls.slice(before);
  return {
    reserve: calls.find((call): call is Reserve => call.kind === "reserve") as Reserve,
    settle: calls.find((call): call is Settle => call.kind === "settle") as Settle,
  };
}

interface InfillReply {
  content: string;
  stop: boolean;
  tokens_predicted: number;
  tokens_evaluated: number;
  tokens_cached: number;
}

describe("POST /infill through cortex", () => {
  it("answers as the neuron does and bills the exact infill prompt and output", async () => {
    const body = { model: "tiny", temperature: 0, input_prefix: prefix, input_suffix: suffix, n_predict: 8 };
    const before = recording.calls.length;
    const response = await post("/infill", body);
    expect(response.status).toBe(200);
    const reply = (await response.json()) as InfillReply;
    const direct = (await (
      await fetch(`${neuron.url}/infill`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json()) as InfillReply;
    expect(reply.content).toBe(direct.content);
    expect(reply.tokens_predicted).toBe(8);
    const { reserve, settle } = await heldAndSettled(before);
    expect(settle.usage).toEqual({
      promptTokens: reply.tokens_evaluated,
      completionTokens: 8,
      cachedTokens: reply.tokens_cached,
    });
    expect(reserve.tokens).toBeGreaterThanOrEqual(reply.tokens_evaluated + 8);
  });

  it("streams llama.cpp's chunks through and bills the stream's counts", async () => {
    const before = recording.calls.length;
    const response = await post("/infill", {
      model: "tiny",
      temperature: 0,
      input_prefix: prefix,
      input_suffix: suffix,
      n_predict: 6,
      stream: true,
    });
    expect(response.status).toBe(200);
    const frames = (await response.text())
      .split("\n\n")
      .map((frame) =>
        frame
          .split("\n")
          .find((line) => line.startsWith("data: "))
          ?.slice(6),
      )
      .filter((data): data is string => data !== undefined)
      .map((data) => JSON.parse(data) as InfillReply);
    const last = frames.at(-1);
    expect(last).toMatchObject({ stop: true, tokens_predicted: 6 });
    const { settle } = await heldAndSettled(before);
    expect(settle.usage).toEqual({
      promptTokens: last?.tokens_evaluated,
      completionTokens: 6,
      cachedTokens: last?.tokens_cached,
    });
  });

  it("holds the budget for the n_predict cortex resolves, and refuses bad fields before the neuron", async () => {
    const before = recording.calls.length;
    const response = await post("/infill", {
      model: "tiny",
      temperature: 0,
      input_prefix: prefix,
      n_predict: 3,
    });
    expect(((await response.json()) as InfillReply).tokens_predicted).toBeLessThanOrEqual(3);
    const { reserve } = await heldAndSettled(before);
    expect(reserve.tokens).toBeLessThan(4096);
    const bad = await post("/infill", {
      model: "tiny",
      input_prefix: prefix,
      input_extra: [{ filename: "a" }],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toMatch(/^input_extra/);
  });
});

describe("/v1/completions prompt forms through cortex", () => {
  interface Completion {
    choices: Array<{ text: string }>;
    usage: {
      prompt_tokens: number;
      completion_tokens: number;
      prompt_tokens_details: { cached_tokens: number };
    };
  }

  it("runs a suffix as infill, echo, token-id prompts and a batch, billing each reply's usage", async () => {
    const base = { model: "tiny", temperature: 0, max_tokens: 5 };
    for (const body of [
      { ...base, prompt: prefix, suffix },
      { ...base, prompt: "Once upon a time", echo: true },
      { ...base, prompt: [79, 110, 99, 101] },
      { ...base, prompt: ["Once upon a time", "Hello there"] },
    ]) {
      const before = recording.calls.length;
      const response = await post("/v1/completions", body);
      expect(response.status, JSON.stringify(body)).toBe(200);
      const reply = (await response.json()) as Completion;
      if ("echo" in body) expect(reply.choices[0]?.text.startsWith("Once upon a time")).toBe(true);
      expect(reply.choices).toHaveLength(
        Array.isArray(body.prompt) && typeof body.prompt[0] === "string" ? 2 : 1,
      );
      const { settle } = await heldAndSettled(before);
      expect(settle.usage).toEqual({
        promptTokens: reply.usage.prompt_tokens,
        completionTokens: reply.usage.completion_tokens,
        cachedTokens: reply.usage.prompt_tokens_details.cached_tokens,
      });
    }
  });
});
