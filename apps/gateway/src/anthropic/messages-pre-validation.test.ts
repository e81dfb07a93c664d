import { afterEach, describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { chatReply, type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { readLoose } from "../test-support/loose-json.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

/** A cortex with the Anthropic routes over one neuron advertising a 64-token context for `tiny`. */
async function fleet() {
  const neuron = await startFakeNeuron({
    models: [modelInfo("tiny", { limit: { context: 64, output: 16 } })],
    inference: (request) =>
      request.path === "/v1/tokenize" ? Response.json({ tokens: 999 }) : chatReply("tiny"),
  });
  neurons.push(neuron);
  const cortex = await createTestCortex({ neurons: [{ name: "n", url: neuron.url }], anthropic: true });
  /** POSTs the neuron received (inference, tokenize, load): none may follow a refusal. */
  const posts = () => neuron.requests.filter((request) => request.method === "POST");
  return { cortex, posts };
}

const long = "word ".repeat(200); // ~1000 characters: ~250 estimated tokens against a 64-token context
const message = (extra: Record<string, unknown> = {}) => ({
  model: "tiny",
  max_tokens: 8,
  messages: [{ role: "user", content: long }],
  ...extra,
});

describe("prompt pre-validation on /v1/messages", () => {
  for (const [client, userAgent, advice] of [
    ["Zed", "Zed/0.190.5 (macos; aarch64)", "Zed's settings"],
    ["litellm", "litellm/1.72.0", "litellm forwards the full context"],
  ] as const) {
    it(`refuses an over-long prompt from ${client} with 400 invalid_request_error and advice, touching no neuron`, async () => {
      const { cortex, posts } = await fleet();
      for (const stream of [false, true]) {
        const response = await cortex.post("/v1/messages", message({ stream }), { "user-agent": userAgent });
        expect(response.status).toBe(400);
        expect(response.headers.get("content-type")).toContain("application/json");
        expect(response.headers.get("x-helexa-advice")).toContain(advice);
        const body = await readLoose(response);
        expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
        expect(String(body.error?.message)).toMatch(/context/);
        expect(JSON.stringify(body)).not.toContain(advice);
      }
      expect(posts()).toEqual([]);
      expect(await cortex.metricsText()).toMatch(/cortex_refusals_total\{code="context_length_exceeded"\} 2/);
    });
  }

  it("counts a long system prompt, given as text blocks", async () => {
    const { cortex, posts } = await fleet();
    const response = await cortex.post(
      "/v1/messages",
      message({ system: [{ type: "text", text: long }], messages: [{ role: "user", content: "hi" }] }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("x-helexa-advice")).toBeNull();
    expect(posts()).toEqual([]);
  });

  it("lets a prompt that fits through", async () => {
    const { cortex, posts } = await fleet();
    const response = await cortex.post(
      "/v1/messages",
      message({ messages: [{ role: "user", content: "hi" }] }),
      {
        "user-agent": "Zed/0.190.5",
      },
    );
    expect(response.status).toBe(200);
    expect(posts().map((request) => request.path)).toEqual(["/v1/chat/completions"]);
  });

  it("does not pre-validate count_tokens: counting is how a client learns a prompt is too long", async () => {
    const { cortex, posts } = await fleet();
    const response = await cortex.post("/v1/messages/count_tokens", {
      model: "tiny",
      messages: [{ role: "user", content: long }],
    });
    expect(response.status).toBe(200);
    expect(await readLoose(response)).toEqual({ input_tokens: 999 });
    expect(posts().map((request) => request.path)).toEqual(["/v1/tokenize"]);
  });
});
