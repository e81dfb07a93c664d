import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "./test-support/create-test-cortex.js";
import { waitFor } from "./test-support/gate.js";
import { list, readLoose } from "./test-support/loose-json.js";
import { createRecordingEntitlements } from "./test-support/recording-entitlements.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "./test-support/spawn-neuron.js";

/**
 * cortex in front of two real neuron processes serving the tiny model on CPU (one slot and one queue
 * place each). These are the end-to-end paths; fake neurons are used elsewhere only for faults.
 */
let a: SpawnedNeuron;
let b: SpawnedNeuron;
let cortex: TestCortex;
const recording = createRecordingEntitlements();
const KEY = { authorization: "Bearer sk-test" };

beforeAll(async () => {
  [a, b] = await Promise.all([spawnTinyNeuron({}), spawnTinyNeuron({})]);
  cortex = await createTestCortex({
    neurons: [
      { name: "a", url: a.url },
      { name: "b", url: b.url },
    ],
    entitlements: recording.entitlements,
  });
}, 120_000);

afterAll(async () => {
  cortex?.close();
  await Promise.all([a?.kill(), b?.kill()]);
});

const ask = (maxTokens: number, extra: Record<string, unknown> = {}) => ({
  model: "tiny",
  messages: [{ role: "user", content: "Hello" }],
  max_tokens: maxTokens,
  temperature: 0,
  ...extra,
});

async function requestsOn(node: string): Promise<number> {
  const metric = await cortex.metrics.requests.get();
  return metric.values.find((value) => value.labels.node === node)?.value ?? 0;
}

async function retriesOf(node: string, reason: string): Promise<number> {
  const metric = await cortex.metrics.retries.get();
  return (
    metric.values.find((value) => value.labels.node === node && value.labels.reason === reason)?.value ?? 0
  );
}

/**
 * Fills a neuron's slot and queue place with long generations sent to it directly, bypassing cortex.
 * `release` aborts them (the neuron frees both places at once) and waits until the neuron is idle.
 */
async function saturate(neuron: SpawnedNeuron): Promise<{ release(): Promise<void> }> {
  const client = new AbortController();
  const long = () =>
    fetch(`${neuron.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ask(4000)),
      signal: client.signal,
    })
      .then((response) => response.text())
      .catch(() => "");
  const running = [long(), long()];
  await waitForLoad(neuron, (busy) => busy >= 2);
  return {
    async release() {
      client.abort();
      await Promise.all(running);
      await waitForLoad(neuron, (busy) => busy === 0);
    },
  };
}

async function waitForLoad(neuron: SpawnedNeuron, done: (busy: number) => boolean): Promise<void> {
  for (;;) {
    const health = (await (await fetch(`${neuron.url}/health`)).json()) as {
      models: Array<{ in_flight: number; queue_depth: number }>;
    };
    const load = health.models[0];
    if (load !== undefined && done(load.in_flight + load.queue_depth)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("cortex with two real neurons", () => {
  it("advertises the neurons' model with their limit", async () => {
    const models = await readLoose(await cortex.app.request("/v1/models"));
    const tiny = list(models.data).find((entry) => String(entry.id) === "tiny");
    expect(tiny?.loaded).toBe(true);
    expect(tiny?.limit?.context).toBe(4096);
    expect(list(tiny?.locations).map((location) => location.node)).toEqual(["a", "b"]);
  });

  it("serves chat, completions and responses, streaming and not, and meters usage", async () => {
    const chat = await cortex.post("/v1/chat/completions", ask(8), KEY);
    expect(chat.status).toBe(200);
    const body = await readLoose(chat);
    expect(body.usage?.completion_tokens).toBe(8);
    expect(chat.headers.get("server-timing")).toMatch(/^cortex;dur=/);
    expect(recording.calls.at(-1)).toMatchObject({
      kind: "settle",
      usage: { promptTokens: body.usage?.prompt_tokens, completionTokens: 8 },
    });

    const stream = await cortex.post("/v1/chat/completions", ask(6, { stream: true }), KEY);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const text = await stream.text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    // No usage was asked for: the settle follows the neuron's answer to cortex's usage lookup.
    await waitFor(() => recording.calls.at(-1)?.kind === "settle");
    expect(recording.calls.at(-1)).toMatchObject({ kind: "settle", usage: { completionTokens: 6 } });

    const completion = await cortex.post("/v1/completions", { model: "tiny", prompt: "Once", max_tokens: 4 });
    expect((await readLoose(completion)).usage?.completion_tokens).toBe(4);

    const responses = await cortex.post(
      "/v1/responses",
      { model: "tiny", input: "Hi", max_output_tokens: 4 },
      KEY,
    );
    expect(responses.status).toBe(200);
    expect((await readLoose(responses)).object).toBe("response");
    expect(recording.calls.at(-1)).toMatchObject({ kind: "settle", usage: { completionTokens: 4 } });
    expect([...recording.endings().values()].every((count) => count === 1)).toBe(true);
  });

  it("counts tokens exactly through dispatch's /v1/tokenize route", async () => {
    const response = await cortex.dispatch({
      route: "/v1/tokenize",
      body: { model: "tiny", messages: [{ role: "user", content: "Hello" }] },
      headers: new Headers(),
      signal: new AbortController().signal,
      identity: null,
    });
    const body = await readLoose(response);
    expect(body.model).toBe("tiny");
    expect(typeof body.tokens).toBe("number");
  });

  it("spreads a burst across both neurons", async () => {
    const before = [await requestsOn("a"), await requestsOn("b")];
    const burst = await Promise.all(
      Array.from({ length: 4 }, () => cortex.post("/v1/chat/completions", ask(64))),
    );
    for (const response of burst) expect(response.status).toBe(200);
    expect((await requestsOn("a")) - (before[0] ?? 0)).toBe(2);
    expect((await requestsOn("b")) - (before[1] ?? 0)).toBe(2);
  });

  it("moves a request to the other neuron when the one it picked is saturated", async () => {
    await cortex.poller.pollOnce();
    const occupied = await saturate(a);
    // cortex's last poll still says `a` is idle, so it tries `a` first (ties go by name)
    const response = await cortex.post("/v1/chat/completions", ask(8));
    expect(response.status).toBe(200);
    expect(await retriesOf("a", "backpressure")).toBe(1);
    // after a poll it knows, and goes straight to `b`
    await cortex.poller.pollOnce();
    const servedBefore = await requestsOn("b");
    expect((await cortex.post("/v1/chat/completions", ask(8))).status).toBe(200);
    expect(await retriesOf("a", "backpressure")).toBe(1);
    expect(await requestsOn("b")).toBe(servedBefore + 1);
    await occupied.release();
  });

  it("passes the last neuron's 503 + Retry-After through intact when both are saturated", async () => {
    const occupied = [await saturate(a), await saturate(b)];
    const response = await cortex.post("/v1/chat/completions", ask(8), KEY);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await readLoose(response)).error).toMatchObject({
      code: "rate_limit_exceeded",
      type: "rate_limit_error",
    });
    expect(recording.calls.at(-1)).toMatchObject({ kind: "release", details: { outcome: "error" } });
    await Promise.all(occupied.map((occupation) => occupation.release()));
  });

  it("moves traffic off a neuron that was killed, within one poll", async () => {
    await cortex.poller.pollOnce();
    await a.kill("SIGKILL");
    const before = await requestsOn("b");
    // `a` is idle and first by name: the first request finds it gone and falls through to `b`
    for (let index = 0; index < 3; index++) {
      expect((await cortex.post("/v1/chat/completions", ask(4))).status).toBe(200);
    }
    expect(cortex.fleet.node("a")?.healthy).toBe(false);
    expect(await retriesOf("a", "unreachable")).toBe(1);
    await cortex.poller.pollOnce();
    expect(cortex.fleet.node("a")?.healthy).toBe(false);
    expect((await cortex.post("/v1/chat/completions", ask(4))).status).toBe(200);
    expect(await requestsOn("b")).toBe(before + 4);
    const health = await readLoose(await cortex.app.request("/health"));
    expect(health.nodes).toEqual({ healthy: 1, total: 2 });
  });
});
