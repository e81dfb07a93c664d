import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson, waitFor } from "../test-support/post-json.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// `GET /v1/requests/{id}/usage` against real generation on the tiny model.
let neuron: RunningNeuron;
const TOKEN = "neuron-secret";

beforeAll(async () => {
  const path = await tinyModelFile();
  neuron = await startTestNeuron({
    ...testConfig([{ id: "tiny", path, context_size: 2048, sequences: 2, preload: true }]),
    auth_token: TOKEN,
  });
});

afterAll(async () => {
  await neuron?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const ask = { model: "tiny", temperature: 0, messages: [{ role: "user", content: "Tell me a long story." }] };

interface Lookup {
  request_id: string;
  state: string;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
  } | null;
}

async function lookup(id: string, waitMs = 0): Promise<{ status: number; body: Lookup }> {
  const response = await fetch(`${neuron.url}/v1/requests/${id}/usage?wait_ms=${waitMs}`, { headers: auth });
  return { status: response.status, body: (await response.json()) as Lookup };
}

describe("request usage lookup", () => {
  it("reports a finished request's usage as its reply did", async () => {
    const headers = { ...auth, "x-request-id": "req-whole-1" };
    const reply = await postJson(
      `${neuron.url}/v1/chat/completions`,
      { ...ask, max_tokens: 12 },
      { headers },
    );
    const body = (await reply.json()) as { usage: Lookup["usage"] & object };
    const found = await lookup("req-whole-1");
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      request_id: "req-whole-1",
      state: "finished",
      usage: {
        prompt_tokens: body.usage.prompt_tokens,
        completion_tokens: body.usage.completion_tokens,
        prompt_tokens_details: { cached_tokens: body.usage.prompt_tokens_details.cached_tokens },
      },
    });
  });

  it("reports the prompt tokens a request reused from the sequence's KV state, as its reply did", async () => {
    const headers = { ...auth, "x-request-id": "req-reused-1" };
    // The same prompt as the request before, on a model with its sequences free: the prefix is kept.
    const reply = await postJson(
      `${neuron.url}/v1/chat/completions`,
      { ...ask, max_tokens: 12 },
      { headers },
    );
    const body = (await reply.json()) as { usage: Lookup["usage"] & object };
    const found = await lookup("req-reused-1");
    expect(body.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(found.body.usage?.prompt_tokens_details).toEqual(body.usage.prompt_tokens_details);
  });

  it("reports the tokens an abandoned stream generated before the abort", async () => {
    const controller = new AbortController();
    const headers = { ...auth, "x-request-id": "req-abandoned-1" };
    const reply = await postJson(
      `${neuron.url}/v1/chat/completions`,
      { ...ask, max_tokens: 1500, stream: true },
      { headers, signal: controller.signal },
    );
    const reader = (reply.body as ReadableStream<Uint8Array>).getReader();
    let chunks = 0;
    while (chunks < 20) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += new TextDecoder().decode(value).split("data: ").length - 1;
    }
    controller.abort();
    const found = await waitFor(async () => {
      const result = await lookup("req-abandoned-1", 5000);
      return result.body.state === "finished" ? result : undefined;
    });
    expect(found.body.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(found.body.usage?.completion_tokens).toBeGreaterThanOrEqual(chunks - 2);
    expect(found.body.usage?.completion_tokens).toBeLessThan(1500);
  });

  it("is 404 for an unknown id and needs the neuron's token", async () => {
    expect((await lookup("never-sent")).status).toBe(404);
    expect((await fetch(`${neuron.url}/v1/requests/never-sent/usage`)).status).toBe(401);
  });
});
