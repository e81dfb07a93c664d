import { openAiErrorEnvelopeSchema } from "@helexa/core";
import {
  applyMutations,
  bodyText,
  edgeBody,
  fetchModelRow,
  fuzzSettings,
  isGrammarFailure,
  leakPattern,
  type Mutation,
  mutations,
} from "@helexa/test-support";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { parseSse } from "../test-support/read-sse.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// Property-based fuzz of every route that takes a body, on a real neuron (forked worker, tiny model):
// hostile bodies get a 4xx in the OpenAI envelope (or a 200), never a 5xx, never a leaked internal, and
// the model's worker is never replaced.
let neuron: RunningNeuron;

const tinyRow = () => fetchModelRow(neuron.url, "tiny");

beforeAll(async () => {
  const path = await tinyModelFile();
  // A small context bounds the longest answer a hostile max_tokens can ask for.
  neuron = await startTestNeuron(
    testConfig([{ id: "tiny", path, context_size: 256, sequences: 2, preload: true }], {
      admission: { max_queue_depth: 4, max_wait_secs: 30 },
    }),
  );
});

afterAll(async () => {
  await neuron?.close();
});

const { seed, numRuns } = fuzzSettings();

const user = { role: "user", content: "hi" };
const tool = { type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } };
const sampling = [
  "temperature",
  "top_p",
  "top_k",
  "min_p",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "repeat_penalty",
  "repetition_penalty",
  "stop",
  "n",
  "logit_bias",
  "logprobs",
  "stream",
  "stream_options",
  "model",
].map((field) => [field]);

/** Each route: a valid base body and the paths a mutation may hit. */
const routes: Record<string, { base: Record<string, unknown>; paths: Array<Array<string | number>> }> = {
  "/v1/chat/completions": {
    base: { model: "tiny", messages: [user], max_tokens: 3, temperature: 0, tools: [tool] },
    paths: [
      ...sampling,
      ["messages"],
      ["messages", 0],
      ["messages", 0, "role"],
      ["messages", 0, "content"],
      ["messages", 0, "content", 0],
      ["messages", 0, "tool_calls"],
      ["messages", 1],
      ["max_tokens"],
      ["max_completion_tokens"],
      ["tools"],
      ["tools", 0],
      ["tools", 0, "function"],
      ["tools", 0, "function", "name"],
      ["tools", 0, "function", "parameters"],
      ["tools", 0, "function", "parameters", "properties"],
      ["tool_choice"],
      ["parallel_tool_calls"],
      ["response_format"],
      ["response_format", "type"],
      ["response_format", "json_schema"],
      ["response_format", "json_schema", "schema"],
      ["top_logprobs"],
    ],
  },
  "/v1/completions": {
    base: { model: "tiny", prompt: "Once", max_tokens: 3, temperature: 0 },
    paths: [
      ...sampling,
      ["prompt"],
      ["prompt", 0],
      ["max_tokens"],
      ["echo"],
      ["suffix"],
      ["best_of"],
      ["response_format"],
    ],
  },
  "/v1/responses": {
    base: { model: "tiny", input: "hi", max_output_tokens: 3, temperature: 0 },
    paths: [
      ...sampling,
      ["input"],
      ["input", 0],
      ["input", 0, "role"],
      ["input", 0, "content"],
      ["input", 0, "type"],
      ["instructions"],
      ["max_output_tokens"],
      ["previous_response_id"],
      ["text"],
      ["text", "format"],
      ["text", "format", "schema"],
      ["tools"],
      ["tools", 0],
      ["tools", 0, "parameters"],
      ["tool_choice"],
      ["parallel_tool_calls"],
    ],
  },
  "/infill": {
    base: { model: "tiny", input_prefix: "def f(", input_suffix: "):", n_predict: 3, temperature: 0 },
    paths: [
      ...sampling,
      ["input_prefix"],
      ["input_suffix"],
      ["input_extra"],
      ["input_extra", 0],
      ["input_extra", 0, "text"],
      ["prompt"],
      ["n_predict"],
    ],
  },
  "/v1/tokenize": {
    base: { model: "tiny", messages: [user] },
    paths: [["model"], ["messages"], ["messages", 0], ["messages", 0, "content"], ["tools"], ["prompt"]],
  },
  // Lifecycle: never a path or uri string (a load would start), never the served model's id.
  "/models/load": {
    base: { model_id: "not-configured" },
    paths: [["harness"], ["quant"], ["tensor_parallel"], ["devices"], ["context_size"], ["sequences"]],
  },
  "/models/unload": { base: { model_id: "not-configured" }, paths: [["force"]] },
};

const request = fc
  .constantFrom(...Object.keys(routes))
  .chain((path) => fc.record({ path: fc.constant(path), changes: mutations(routes[path]?.paths ?? []) }));

/**
 * Posts `body` and checks the reply: a 4xx envelope, a 200, or backpressure with Retry-After; no leaked
 * internals, not in error replies nor in a stream's error frames; the worker unchanged.
 */
async function check(path: string, body: string, statuses: Record<string, number>, pid: number | undefined) {
  const response = await fetch(`${neuron.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await response.text();
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  const context = `${path} ${body.slice(0, 400)} -> ${response.status} ${text.slice(0, 400)}`;
  const backpressure = [429, 503].includes(response.status) && response.headers.has("retry-after");
  // The one 5xx a valid body may get (a grammar's sampler failure); the worker and everything else go on.
  const grammarFailure = isGrammarFailure(response.status, body, text);
  expect(response.status < 500 || backpressure || grammarFailure, context).toBe(true);
  if (response.status >= 400) {
    expect(openAiErrorEnvelopeSchema.safeParse(JSON.parse(text)).success, context).toBe(true);
    expect(text, context).not.toMatch(leakPattern);
  } else if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    for (const event of parseSse(text)) {
      if (event.data === undefined || event.data === "[DONE]") continue;
      const frame = JSON.parse(event.data) as Record<string, unknown>;
      if ("error" in frame) expect(event.data, context).not.toMatch(leakPattern);
    }
  } else {
    JSON.parse(text);
  }
  const row = await tinyRow();
  expect(row?.status, context).toBe("loaded");
  expect(row?.worker_pid, context).toBe(pid);
}

describe("hostile bodies on every route", () => {
  it("get a 4xx envelope or a 200; no 5xx, no leaked internals, no worker restart", async () => {
    const before = await tinyRow();
    expect(before?.worker_pid).toBeDefined();
    const statuses: Record<string, number> = {};
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ path, changes }) => {
        const body = bodyText(applyMutations(routes[path]?.base ?? {}, changes as Mutation[]));
        await check(path, body, statuses, before?.worker_pid);
        requests += 1;
      }),
      { seed, numRuns, endOnFailure: true },
    );
    console.log(`neuron fuzz: seed ${seed}, ${requests} requests, statuses ${JSON.stringify(statuses)}`);
    expect(requests).toBe(numRuns);
  }, 300_000);

  it("valid bodies at the edges reach the engine and never break it", async () => {
    const before = await tinyRow();
    const statuses: Record<string, number> = {};
    let requests = 0;
    const edge = fc.oneof(
      edgeBody("chat").map((body) => ({ path: "/v1/chat/completions", body })),
      edgeBody("completion").map((body) => ({ path: "/v1/completions", body })),
      edgeBody("responses").map((body) => ({ path: "/v1/responses", body })),
    );
    const edgeRuns = Math.ceil(numRuns / 2);
    await fc.assert(
      fc.asyncProperty(edge, async ({ path, body }) => {
        await check(path, JSON.stringify(body), statuses, before?.worker_pid);
        requests += 1;
      }),
      { seed, numRuns: edgeRuns, endOnFailure: true },
    );
    console.log(`neuron edge fuzz: seed ${seed}, ${requests} requests, statuses ${JSON.stringify(statuses)}`);
    expect(requests).toBe(edgeRuns);
  }, 300_000);
});
