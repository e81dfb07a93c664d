import { afterEach, describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { chatReply, type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

/** A cortex with the Anthropic routes over one fake neuron serving `tiny`; a key is required. */
async function fleet() {
  const neuron = await startFakeNeuron({
    models: [modelInfo("tiny")],
    inference: (request) =>
      request.path === "/v1/tokenize" ? Response.json({ tokens: [1, 2, 3] }) : chatReply("tiny"),
  });
  neurons.push(neuron);
  const { entitlements } = createRecordingEntitlements({ requireAuth: true });
  return createTestCortex({ neurons: [{ name: "n", url: neuron.url }], anthropic: true, entitlements });
}

const ask = { model: "tiny", max_tokens: 8, messages: [{ role: "user", content: "Hello" }] };
const key = { authorization: "Bearer sk-test" };

/** Both ids present, one value: Anthropic's SDKs read `request-id`, others `x-request-id`. */
function requestIdOf(response: Response): string {
  const id = response.headers.get("request-id");
  expect(id).toMatch(/^[\x21-\x7e]{1,128}$/);
  expect(response.headers.get("x-request-id")).toBe(id);
  return id ?? "";
}

describe("request ids on /v1/messages*", () => {
  it("answers a message, streamed or not, and a token count with request-id equal to x-request-id", async () => {
    const cortex = await fleet();
    const ids = new Set<string>();
    for (const [path, body] of [
      ["/v1/messages", ask],
      ["/v1/messages", { ...ask, stream: true }],
      ["/v1/messages/count_tokens", { model: "tiny", messages: ask.messages }],
    ] as const) {
      const response = await cortex.post(path, body, key);
      expect(response.status, path).toBe(200);
      ids.add(requestIdOf(response));
      await response.text();
    }
    expect(ids.size).toBe(3);
  });

  it("echoes a client's own x-request-id as request-id", async () => {
    const cortex = await fleet();
    const response = await cortex.post("/v1/messages", ask, { ...key, "x-request-id": "trace-42" });
    expect(response.status).toBe(200);
    expect(requestIdOf(response)).toBe("trace-42");
  });

  it("carries request-id on refusals too: malformed JSON, an invalid body, a missing key, an unknown model", async () => {
    const cortex = await fleet();
    const refusals: Array<[number, Promise<Response>]> = [
      [400, cortex.post("/v1/messages", "{not json", key)],
      [400, cortex.post("/v1/messages", { ...ask, max_tokens: -1 }, key)],
      [401, cortex.post("/v1/messages", ask)],
      [404, cortex.post("/v1/messages", { ...ask, model: "nope" }, key)],
    ];
    for (const [status, pending] of refusals) {
      const response = await pending;
      expect(response.status).toBe(status);
      requestIdOf(response);
      expect(await response.json()).toMatchObject({ type: "error" });
    }
  });

  it("keeps the id dispatch gave a neuron's refusal", async () => {
    const cortex = await fleet();
    neurons[0]?.setInference(() =>
      Response.json(
        { error: { message: "bad temperature", type: "invalid_request_error", param: "temperature" } },
        { status: 400 },
      ),
    );
    const response = await cortex.post("/v1/messages", ask, key);
    expect(response.status).toBe(400);
    // Without a client id, the client's id is the one cortex sent the neuron.
    const sent = neurons[0]?.inferenceRequests()[0]?.headers["x-request-id"];
    expect(requestIdOf(response)).toBe(sent);
  });

  it("adds no request-id to OpenAI replies", async () => {
    const cortex = await fleet();
    const response = await cortex.post(
      "/v1/chat/completions",
      { model: "tiny", messages: ask.messages },
      key,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).not.toBeNull();
    expect(response.headers.get("request-id")).toBeNull();
  });
});
