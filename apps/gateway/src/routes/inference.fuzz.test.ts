import { anthropicErrorEnvelopeSchema, openAiErrorEnvelopeSchema } from "@helexa/core";
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
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { serveApp } from "../test-support/serve-app.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

// Property-based fuzz of every inference route of cortex (on a real socket: the direct proxy path, the
// app for browsers and Anthropic's routes) in front of a real neuron on the tiny model: hostile bodies
// get a 4xx in the route's dialect (or a 200), never a 5xx other than backpressure with Retry-After,
// never a leaked internal, and the neuron's worker is never replaced.
let neuron: SpawnedNeuron;
let cortex: TestCortex;
let server: { url: string; close(): Promise<void> };

const tinyRow = () => fetchModelRow(neuron.url, "tiny");

beforeAll(async () => {
  // A small context bounds the longest answer a hostile max_tokens can ask for.
  neuron = await spawnTinyNeuron({ sequences: 2, maxQueueDepth: 4, contextSize: 256 });
  cortex = await createTestCortex({ neurons: [{ name: "n", url: neuron.url }], anthropic: true });
  server = await serveApp(cortex);
}, 120_000);

afterAll(async () => {
  await server?.close();
  cortex?.close();
  await neuron?.kill();
});

const { seed, numRuns } = fuzzSettings();

const user = { role: "user", content: "hi" };
const openAiSampling = [
  "model",
  "temperature",
  "top_p",
  "top_k",
  "min_p",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "repeat_penalty",
  "stop",
  "n",
  "logit_bias",
  "logprobs",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "max_output_tokens",
].map((field) => [field]);
const anthropicPrompt = [
  ["model"],
  ["messages"],
  ["messages", 0],
  ["messages", 0, "role"],
  ["messages", 0, "content"],
  ["messages", 0, "content", 0],
  ["messages", 0, "content", 0, "type"],
  ["messages", 1],
  ["system"],
  ["tools"],
  ["tools", 0],
  ["tools", 0, "name"],
  ["tools", 0, "input_schema"],
  ["tool_choice"],
  ["thinking"],
];

/** Each route: a valid base body, the paths a mutation may hit, and its error dialect. */
const routes: Record<
  string,
  { base: Record<string, unknown>; paths: Array<Array<string | number>>; dialect: "openai" | "anthropic" }
> = {
  "/v1/chat/completions": {
    dialect: "openai",
    base: { model: "tiny", messages: [user], max_tokens: 3, temperature: 0 },
    paths: [
      ...openAiSampling,
      ["messages"],
      ["messages", 0],
      ["messages", 0, "role"],
      ["messages", 0, "content"],
      ["messages", 0, "content", 0],
      ["messages", 1],
      ["tools"],
      ["tools", 0, "function"],
      ["tools", 0, "function", "parameters"],
      ["tool_choice"],
      ["response_format"],
      ["response_format", "json_schema", "schema"],
    ],
  },
  "/v1/completions": {
    dialect: "openai",
    base: { model: "tiny", prompt: "Once", max_tokens: 3, temperature: 0 },
    paths: [...openAiSampling, ["prompt"], ["prompt", 0], ["echo"], ["suffix"], ["best_of"]],
  },
  "/infill": {
    dialect: "openai",
    base: { model: "tiny", input_prefix: "def f(", input_suffix: "):", n_predict: 3, temperature: 0 },
    paths: [
      ...openAiSampling,
      ["input_prefix"],
      ["input_suffix"],
      ["input_extra"],
      ["input_extra", 0, "text"],
      ["prompt"],
      ["n_predict"],
    ],
  },
  "/v1/responses": {
    dialect: "openai",
    base: { model: "tiny", input: "hi", max_output_tokens: 3, temperature: 0 },
    paths: [
      ...openAiSampling,
      ["input"],
      ["input", 0],
      ["input", 0, "content"],
      ["input", 0, "type"],
      ["instructions"],
      ["text", "format"],
      ["text", "format", "schema"],
      ["tools"],
      ["tools", 0, "parameters"],
      ["tool_choice"],
    ],
  },
  "/v1/messages": {
    dialect: "anthropic",
    base: { model: "tiny", max_tokens: 3, temperature: 0, messages: [user] },
    paths: [
      ...anthropicPrompt,
      ["max_tokens"],
      ["stop_sequences"],
      ["temperature"],
      ["top_p"],
      ["top_k"],
      ["metadata"],
      ["stream"],
      ["output_config"],
      ["output_config", "format", "schema"],
    ],
  },
  "/v1/messages/count_tokens": {
    dialect: "anthropic",
    base: { model: "tiny", messages: [user] },
    paths: anthropicPrompt,
  },
};

const request = fc.constantFrom(...Object.keys(routes)).chain((path) =>
  fc.record({
    path: fc.constant(path),
    changes: mutations(routes[path]?.paths ?? []),
    // A browser (Origin) takes the app instead of the direct proxy path.
    browser: fc.boolean(),
  }),
);

/**
 * Posts `body` (as a browser when `browser`: the app instead of the direct path) and checks the reply:
 * a 4xx envelope of the dialect, a 200, or backpressure with Retry-After; no leaked internals, in error
 * replies or a stream's error frames; the neuron's worker unchanged.
 */
async function check(
  path: string,
  dialect: "openai" | "anthropic",
  body: string,
  browser: boolean,
  statuses: Record<string, number>,
  pid: number | undefined,
) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(browser ? { origin: "http://localhost" } : {}) },
    body,
  });
  const text = await response.text();
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  const context = `${path} ${body.slice(0, 400)} -> ${response.status} ${text.slice(0, 400)}`;
  const backpressure = [429, 503, 529].includes(response.status) && response.headers.has("retry-after");
  // The one 5xx a valid body may get (a grammar's sampler failure on the neuron), passed through as is.
  const grammarFailure = isGrammarFailure(response.status, body, text);
  expect(response.status < 500 || backpressure || grammarFailure, context).toBe(true);
  const envelope = dialect === "openai" ? openAiErrorEnvelopeSchema : anthropicErrorEnvelopeSchema;
  if (response.status >= 400) {
    expect(envelope.safeParse(JSON.parse(text)).success, context).toBe(true);
    expect(text, context).not.toMatch(leakPattern);
  } else if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    // Error frames (OpenAI `{error}`, Anthropic `event: error`) carry no internals either.
    for (const line of text.split("\n")) {
      if (line.startsWith("data:") && line.includes('"error"'))
        expect(line, context).not.toMatch(leakPattern);
    }
  } else {
    JSON.parse(text);
  }
  const row = await tinyRow();
  expect(row?.status, context).toBe("loaded");
  expect(row?.worker_pid, context).toBe(pid);
}

describe("hostile bodies on every inference route of cortex", () => {
  it("get a 4xx envelope in the route's dialect or a 200; no 5xx, no leaks, no worker restart", async () => {
    const before = await tinyRow();
    expect(before?.worker_pid).toBeDefined();
    const statuses: Record<string, number> = {};
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ path, changes, browser }) => {
        const route = routes[path];
        if (route === undefined) throw new Error(`no route ${path}`);
        const body = bodyText(applyMutations(route.base, changes as Mutation[]));
        await check(path, route.dialect, body, browser, statuses, before?.worker_pid);
        requests += 1;
      }),
      { seed, numRuns, endOnFailure: true },
    );
    console.log(`cortex fuzz: seed ${seed}, ${requests} requests, statuses ${JSON.stringify(statuses)}`);
    expect(requests).toBe(numRuns);
  }, 300_000);

  it("valid bodies at the edges pass through to the engine and never break it", async () => {
    const before = await tinyRow();
    const statuses: Record<string, number> = {};
    let requests = 0;
    const edge = fc.record({
      sent: fc.oneof(
        edgeBody("chat").map((body) => ({ path: "/v1/chat/completions", body })),
        edgeBody("completion").map((body) => ({ path: "/v1/completions", body })),
        edgeBody("responses").map((body) => ({ path: "/v1/responses", body })),
      ),
      browser: fc.boolean(),
    });
    const edgeRuns = Math.ceil(numRuns / 2);
    await fc.assert(
      fc.asyncProperty(edge, async ({ sent, browser }) => {
        await check(sent.path, "openai", JSON.stringify(sent.body), browser, statuses, before?.worker_pid);
        requests += 1;
      }),
      { seed, numRuns: edgeRuns, endOnFailure: true },
    );
    console.log(`cortex edge fuzz: seed ${seed}, ${requests} requests, statuses ${JSON.stringify(statuses)}`);
    expect(requests).toBe(edgeRuns);
  }, 300_000);
});
