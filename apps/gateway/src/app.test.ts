import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createMessagesRoutes } from "./anthropic/messages-route.js";
import { createCortexApp } from "./app.js";
import { createPoller } from "./fleet/create-poller.js";
import { FleetState } from "./fleet/fleet-state.js";
import { silentLogger } from "./internal/logger.js";
import { TEST_APP_CONFIG } from "./test-support/create-test-cortex.js";
import {
  backpressureReply,
  type FakeNeuron,
  type FakeNeuronOptions,
  modelInfo,
  startFakeNeuron,
} from "./test-support/fake-neuron.js";
import { createGate, waitFor } from "./test-support/gate.js";
import { readLoose } from "./test-support/loose-json.js";
import { serveApp } from "./test-support/serve-app.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** The app as `cortex serve` builds it: OpenAI routes plus the Anthropic sub-app on the same dispatch. */
async function cortexWith(options: FakeNeuronOptions) {
  const neuron = await startFakeNeuron(options);
  cleanups.push(() => neuron.close());
  const fleet = new FleetState([{ name: "n", endpoint: neuron.url }], { models: [], aliases: {} });
  const poller = createPoller({
    fleet,
    fetch: globalThis.fetch,
    logger: silentLogger,
    intervalMs: 60_000,
    timeoutMs: 10_000,
    unhealthyAfterFailures: 2,
    now: Date.now,
  });
  await poller.pollOnce();
  const cortex = createCortexApp({
    fleet,
    fetch: globalThis.fetch,
    clock: { now: Date.now },
    registry: new Registry(),
    logger: silentLogger,
    config: TEST_APP_CONFIG,
    extraRoutes: [({ dispatch }) => createMessagesRoutes({ dispatch })],
  });
  cleanups.push(async () => cortex.close());
  return { neuron: neuron as FakeNeuron, app: cortex.app, cortex, fleet };
}

const messages = (model: string, content = "hi") => ({
  model,
  max_tokens: 16,
  messages: [{ role: "user", content }],
});
const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

describe("the assembled app", () => {
  it("serves Anthropic messages through the same dispatch", async () => {
    const { app, neuron } = await cortexWith({});
    const response = await app.request("/v1/messages", post(messages("test-model")));
    expect(response.status).toBe(200);
    expect(await readLoose(response)).toMatchObject({ type: "message", role: "assistant" });
    expect(neuron.inferenceRequests()[0]?.path).toBe("/v1/chat/completions");
  });

  it("renders dispatch refusals on /v1/messages in Anthropic's envelope, headers included", async () => {
    const { app } = await cortexWith({
      models: [modelInfo("test-model", { limit: { context: 20, output: 8 } })],
    });
    const missing = await app.request("/v1/messages", post(messages("nope")));
    expect(missing.status).toBe(404);
    expect(await readLoose(missing)).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const tooLong = await app.request(
      "/v1/messages",
      post(messages("test-model", "x".repeat(400)), { "user-agent": "Zed/0.190" }),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers.get("x-helexa-advice")).toContain("Zed");
    expect(await readLoose(tooLong)).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error" },
    });
    const unknown = await app.request("/v1/messages/nothing");
    expect(unknown.status).toBe(404);
    expect(await readLoose(unknown)).toMatchObject({ type: "error" });
  });

  it("turns fleet backpressure into 529 overloaded_error with Retry-After for Anthropic clients", async () => {
    const { app } = await cortexWith({ inference: () => backpressureReply(7) });
    const response = await app.request("/v1/messages", post(messages("test-model")));
    expect(response.status).toBe(529);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await readLoose(response)).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });

  it("aborts a non-streaming upstream request when the client disconnects", async () => {
    const gate = createGate();
    const { cortex, fleet, neuron } = await cortexWith({
      inference: () =>
        new Promise<Response>((resolve) => {
          void gate.promise.then(() => resolve(Response.json({})));
        }),
    });
    const server = await serveApp(cortex);
    cleanups.push(() => server.close());
    const client = new AbortController();
    const pending = fetch(`${server.url}/v1/chat/completions`, {
      ...post({ model: "test-model", messages: [{ role: "user", content: "hi" }] }),
      signal: client.signal,
    }).catch(() => "aborted");
    await waitFor(() => neuron.inferenceRequests().length === 1);
    expect(fleet.node("n")?.active.get("test-model")).toBe(1);
    client.abort();
    expect(await pending).toBe("aborted");
    // cortex ended its upstream request while the neuron still had not answered
    await waitFor(() => fleet.node("n")?.active.get("test-model") === undefined);
    gate.open();
  });
});
