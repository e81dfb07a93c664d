import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { waitFor } from "../test-support/gate.js";
import type { EntitlementsCall } from "../test-support/recording-entitlements.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";
import { serveApp } from "../test-support/serve-app.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

// Metering against a real neuron (tiny model) with keys on: usage is learned without changing what the
// client sees, and an abandoned stream is charged for what the neuron generated.
let neuron: SpawnedNeuron;
let cortex: TestCortex;
let server: { url: string; close(): Promise<void> };
const recording = createRecordingEntitlements();
const KEY = { authorization: "Bearer sk-test" };
const story = {
  model: "tiny",
  temperature: 0,
  messages: [{ role: "user", content: "Tell me a long story." }],
};

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

function post(body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...KEY },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

const dataOf = (text: string) =>
  text
    .split("\n\n")
    .map((frame) =>
      frame
        .split("\n")
        .find((line) => line.startsWith("data: "))
        ?.slice(6),
    )
    .filter((data): data is string => data !== undefined && data !== "[DONE]")
    .map(
      (data) =>
        JSON.parse(data) as {
          choices: unknown[];
          usage?: { prompt_tokens: number; completion_tokens: number };
        },
    );

async function settleFor(requestId: string): Promise<Extract<EntitlementsCall, { kind: "settle" }>> {
  let found: Extract<EntitlementsCall, { kind: "settle" }> | undefined;
  await waitFor(() => {
    found = recording.calls.find(
      (call): call is Extract<EntitlementsCall, { kind: "settle" }> =>
        call.kind === "settle" && call.details.requestId === requestId,
    );
    return found !== undefined;
  });
  return found as Extract<EntitlementsCall, { kind: "settle" }>;
}

async function generatedSoFar(): Promise<number> {
  const text = await (await fetch(`${neuron.url}/metrics`)).text();
  const line = text.split("\n").find((row) => row.startsWith('neuron_completion_tokens_total{model="tiny"}'));
  return Number(line?.split(" ").at(-1) ?? 0);
}

/** The id cortex gave the neuron: the ledger's request id, read off the one settle not yet matched. */
async function lastSettle(before: number): Promise<Extract<EntitlementsCall, { kind: "settle" }>> {
  await waitFor(() => recording.calls.slice(before).some((call) => call.kind === "settle"));
  const call = recording.calls.slice(before).find((entry) => entry.kind === "settle");
  return settleFor((call as Extract<EntitlementsCall, { kind: "settle" }>).details.requestId ?? "");
}

describe("metering with keys on", () => {
  it("adds no usage chunk the client did not ask for, and still bills the exact usage", async () => {
    const before = recording.calls.length;
    const response = await post({ ...story, max_tokens: 24, stream: true });
    const chunks = dataOf(await response.text());
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((chunk) => chunk.choices.length > 0 && chunk.usage == null)).toBe(true);
    const settled = await lastSettle(before);
    const asked = dataOf(
      await (
        await post({ ...story, max_tokens: 24, stream: true, stream_options: { include_usage: true } })
      ).text(),
    ).at(-1);
    expect(asked?.choices).toEqual([]);
    // The lookup also says the reused prompt tokens (metrics only: they are not billed apart).
    expect(settled.usage).toEqual({
      promptTokens: asked?.usage?.prompt_tokens,
      completionTokens: asked?.usage?.completion_tokens,
      cachedTokens: expect.any(Number),
    });
    expect(settled.details.outcome).toBe("ok");
  });

  it("charges an abandoned stream for the tokens the neuron generated (within 5 %)", async () => {
    const generatedBefore = await generatedSoFar();
    const before = recording.calls.length;
    const client = new AbortController();
    const response = await post({ ...story, max_tokens: 1500, stream: true }, client.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let frames = 0;
    while (frames < 30) {
      const { done, value } = await reader.read();
      if (done) break;
      frames += new TextDecoder().decode(value).split("data: ").length - 1;
    }
    client.abort();
    const settled = await lastSettle(before);
    const generated = (await generatedSoFar()) - generatedBefore;
    expect(settled.details.outcome).toBe("aborted");
    expect(generated).toBeGreaterThanOrEqual(frames - 2);
    expect(generated).toBeLessThan(1500);
    expect(Math.abs(settled.usage.completionTokens - generated)).toBeLessThanOrEqual(
      Math.ceil(generated * 0.05),
    );
  });

  it("charges a client that leaves before its whole answer came for what the neuron generated", async () => {
    const generatedBefore = await generatedSoFar();
    const before = recording.calls.length;
    const client = new AbortController();
    const pending = post({ ...story, max_tokens: 1500 }, client.signal).catch(() => "aborted");
    await waitForInFlight();
    client.abort();
    expect(await pending).toBe("aborted");
    const settled = await lastSettle(before);
    const generated = (await generatedSoFar()) - generatedBefore;
    expect(Math.abs(settled.usage.completionTokens - generated)).toBeLessThanOrEqual(
      Math.ceil(generated * 0.05),
    );
  });
});

/** Until the neuron is generating for a request. */
async function waitForInFlight(): Promise<void> {
  for (;;) {
    const health = (await (await fetch(`${neuron.url}/health`)).json()) as {
      models: Array<{ in_flight: number }>;
    };
    if (health.models.some((model) => model.in_flight > 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
