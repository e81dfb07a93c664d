import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { silentLogger } from "../internal/logger.js";
import { type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { spawnTinyNeuron } from "../test-support/spawn-neuron.js";
import { createHttpFetch } from "./create-http-fetch.js";
import { createPoller } from "./create-poller.js";
import { createReplyMemo } from "./create-reply-memo.js";
import { FleetState } from "./fleet-state.js";
import { getNeuronJson } from "./neuron-client.js";
import type { NodeState } from "./node-state.js";

const fetchOverHttp = createHttpFetch();
let server: Server;
let url: string;
/** What the server answers `GET /thing` with next. */
let reply = { status: 200, body: '{"n":1}' };

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  fetchOverHttp.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const node = (endpoint: string) => ({ name: "n", endpoint }) as unknown as NodeState;

/** A schema that counts how often it validated. */
function countingSchema() {
  const counter = { runs: 0 };
  const schema = z.object({ n: z.number() }).transform((value) => {
    counter.runs++;
    return { ...value };
  });
  return { schema, counter };
}

describe("createReplyMemo", () => {
  it("recalls a value only for the same node, path, schema and text", () => {
    const memo = createReplyMemo();
    const a = node("http://a");
    const schema = z.object({});
    const other = z.object({});
    memo.remember(a, "/models", schema, "[]", ["value"]);
    expect(memo.recall(a, "/models", schema, "[]")).toEqual({ value: ["value"] });
    expect(memo.recall(a, "/models", schema, "[ ]")).toBeUndefined();
    expect(memo.recall(a, "/health", schema, "[]")).toBeUndefined();
    expect(memo.recall(a, "/models", other, "[]")).toBeUndefined();
    // A node removed and added again under the same name is a new record: nothing carries over.
    expect(memo.recall(node("http://a"), "/models", schema, "[]")).toBeUndefined();
  });
});

describe("getNeuronJson with a memo", () => {
  it("validates an unchanged body once and hands back the same value; a changed body is read anew", async () => {
    const memo = createReplyMemo();
    const target = node(url);
    const { schema, counter } = countingSchema();
    reply = { status: 200, body: '{"n":1}' };
    const first = await getNeuronJson(fetchOverHttp, target, "/thing", schema, 2_000, memo);
    const second = await getNeuronJson(fetchOverHttp, target, "/thing", schema, 2_000, memo);
    expect(first).toEqual({ ok: true, value: { n: 1 } });
    expect(second.ok && first.ok && second.value === first.value).toBe(true);
    expect(counter.runs).toBe(1);
    reply = { status: 200, body: '{"n":2}' };
    const changed = await getNeuronJson(fetchOverHttp, target, "/thing", schema, 2_000, memo);
    expect(changed).toEqual({ ok: true, value: { n: 2 } });
    expect(counter.runs).toBe(2);
  });

  it("remembers no invalid reply, and never answers an error status from the memo", async () => {
    const memo = createReplyMemo();
    const target = node(url);
    const { schema, counter } = countingSchema();
    reply = { status: 200, body: '{"n":"one"}' };
    for (let round = 0; round < 2; round++) {
      const invalid = await getNeuronJson(fetchOverHttp, target, "/thing", schema, 2_000, memo);
      expect(invalid).toMatchObject({
        ok: false,
        status: 200,
        message: expect.stringContaining("/thing: unexpected reply at n"),
      });
    }
    reply = { status: 200, body: '{"n":3}' };
    await getNeuronJson(fetchOverHttp, target, "/thing", schema, 2_000, memo);
    expect(counter.runs).toBe(1);
    reply = { status: 500, body: '{"n":3}' };
    const failed = await getNeuronJson(fetchOverHttp, target, "/thing", schema, 2_000, memo);
    expect(failed).toEqual({ ok: false, status: 500, message: "/thing: HTTP 500", body: { n: 3 } });
  });
});

describe("the poller over createHttpFetch", () => {
  const neurons: FakeNeuron[] = [];
  afterEach(async () => {
    await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
  });

  it("sees a neuron's changed load on the next poll, and re-applies an unchanged /models every poll", async () => {
    const neuron = await startFakeNeuron({ models: [modelInfo("m")] });
    neurons.push(neuron);
    const fleet = new FleetState([{ name: "n1", endpoint: neuron.url }], { models: [], aliases: {} });
    const poller = createPoller({
      fleet,
      fetch: fetchOverHttp,
      logger: silentLogger,
      intervalMs: 60_000,
      timeoutMs: 10_000,
      unhealthyAfterFailures: 1,
      now: Date.now,
    });
    const polled = fleet.node("n1");
    if (polled === undefined) throw new Error("node missing");
    const load = (inFlight: number) => ({ id: "m", in_flight: inFlight, queue_depth: 0 });
    neuron.health = { ...neuron.health, models: [load(0)] };
    await poller.pollOnce();
    expect(polled.healthy).toBe(true);
    expect(polled.load.get("m")?.in_flight).toBe(0);

    neuron.health = { ...neuron.health, models: [load(3)] };
    await poller.pollOnce();
    expect(polled.load.get("m")?.in_flight).toBe(3);

    // cortex's own marks last until the next poll, even when /models reads exactly as before.
    fleet.markLoaded(polled, "cold");
    expect(polled.models.has("cold")).toBe(true);
    await poller.pollOnce();
    expect([...polled.models.keys()]).toEqual(["m"]);

    neuron.models = [modelInfo("m"), modelInfo("n", { status: "unloaded" })];
    await poller.pollOnce();
    expect(polled.models.get("n")?.status).toBe("unloaded");

    neuron.failPolls = true;
    await poller.pollOnce();
    expect(polled.healthy).toBe(false);
    expect(polled.lastError).toBe("/models: HTTP 500");
  });

  // Spawning the neuron and loading its model is inside this test: on a loaded 2-core machine that alone took
  // over the default 60 s, so it gets the bound the real-neuron suites give their beforeAll (and more).
  it("sees a real neuron's /health change with its load on the next poll", async () => {
    const neuron = await spawnTinyNeuron({});
    try {
      const fleet = new FleetState([{ name: "tiny-1", endpoint: neuron.url }], { models: [], aliases: {} });
      const poller = createPoller({
        fleet,
        fetch: fetchOverHttp,
        logger: silentLogger,
        intervalMs: 60_000,
        timeoutMs: 10_000,
        unhealthyAfterFailures: 1,
        now: Date.now,
      });
      const polled = fleet.node("tiny-1");
      if (polled === undefined) throw new Error("node missing");
      await poller.pollOnce();
      expect(polled.healthy).toBe(true);
      expect(polled.models.get("tiny")?.status).toBe("loaded");
      expect(polled.load.get("tiny")?.in_flight).toBe(0);

      // A long generation sent to the neuron directly: once its own /health counts it, so does the next poll.
      const client = new AbortController();
      const running = fetch(`${neuron.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "tiny",
          messages: [{ role: "user", content: "Hi" }],
          max_tokens: 4000,
          temperature: 0,
        }),
        signal: client.signal,
      })
        .then((response) => response.text())
        .catch(() => "");
      await waitForInFlight(neuron.url, (inFlight) => inFlight === 1);
      await poller.pollOnce();
      expect(polled.load.get("tiny")?.in_flight).toBe(1);
      client.abort();
      await running;
      await waitForInFlight(neuron.url, (inFlight) => inFlight === 0);
      await poller.pollOnce();
      expect(polled.load.get("tiny")?.in_flight).toBe(0);
    } finally {
      await neuron.kill();
    }
  }, 180_000);
});

async function waitForInFlight(url: string, done: (inFlight: number) => boolean): Promise<void> {
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as { models: Array<{ in_flight: number }> };
    if (done(health.models[0]?.in_flight ?? -1)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
