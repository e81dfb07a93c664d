import { afterEach, describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { chatReply, type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { list, readLoose } from "../test-support/loose-json.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

async function neuron(options: Parameters<typeof startFakeNeuron>[0] = {}) {
  const started = await startFakeNeuron(options);
  neurons.push(started);
  return started;
}

const chat = (model: unknown = "test-model") => ({ model, messages: [{ role: "user", content: "hi" }] });

describe("POST /v1/chat/completions", () => {
  it("proxies to the neuron and returns its body intact", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "mock-node", url: upstream.url }] });
    const response = await cortex.post("/v1/chat/completions", chat());
    expect(response.status).toBe(200);
    const body = await readLoose(response);
    expect(body.id).toBe("chatcmpl-test");
    expect(body.model).toBe("test-model");
    expect(body.choices?.[0]?.message?.content).toBe("hello");
    expect(body.usage?.total_tokens).toBe(15);
    expect(response.headers.get("server-timing")).toMatch(/^cortex;dur=\d+(\.\d+)?$/);
    expect(upstream.inferenceRequests()).toHaveLength(1);
  });

  it("forwards the client's bytes untouched when no alias resolved", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const raw =
      '{ "model" : "test-model",\n  "messages": [{"role":"user","content":"héllo"}], "x_extra": 1 }';
    const response = await cortex.post("/v1/chat/completions", raw);
    expect(response.status).toBe(200);
    expect(upstream.inferenceRequests()[0]?.body).toBe(raw);
  });

  it("never forwards the client's credentials; sends the neuron's own token and stamps identity", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url, authToken: "neuron-secret" }],
    });
    await cortex.post("/v1/chat/completions", chat(), {
      authorization: "Bearer sk-client",
      "x-api-key": "sk-client-2",
      "x-helexa-account-id": "spoofed",
      connection: "keep-alive, x-hop",
      "x-hop": "1",
      "user-agent": "test-agent/1.0",
    });
    const seen = upstream.inferenceRequests()[0]?.headers ?? {};
    expect(seen.authorization).toBe("Bearer neuron-secret");
    expect(seen["x-api-key"]).toBeUndefined();
    expect(seen["x-helexa-account-id"]).toBeUndefined();
    expect(seen["x-hop"]).toBeUndefined();
    expect(seen["user-agent"]).toBe("test-agent/1.0");
    // the poller used the token as well
    expect(upstream.requests.find((request) => request.path === "/models")?.headers.authorization).toBe(
      "Bearer neuron-secret",
    );
  });

  it("passes the neuron's error status, headers and envelope through", async () => {
    const upstream = await neuron({
      inference: () =>
        Response.json(
          { error: { message: "bad thing", type: "invalid_request_error", code: "x", param: "temperature" } },
          { status: 400, headers: { "x-neuron": "1" } },
        ),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await cortex.post("/v1/chat/completions", chat());
    expect(response.status).toBe(400);
    expect(response.headers.get("x-neuron")).toBe("1");
    expect((await readLoose(response)).error?.param).toBe("temperature");
  });

  it("answers malformed JSON with 400 invalid_json and a missing model with 400 missing_model_field", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const malformed = await cortex.post("/v1/chat/completions", "{not json");
    expect(malformed.status).toBe(400);
    expect((await readLoose(malformed)).error).toMatchObject({
      type: "invalid_request_error",
      code: "invalid_json",
      param: null,
    });
    for (const body of [JSON.stringify({ messages: [] }), JSON.stringify({ model: 3 }), "[]"]) {
      const response = await cortex.post("/v1/chat/completions", body);
      expect(response.status).toBe(400);
      const envelope = await readLoose(response);
      expect(envelope.error?.type).toBe("invalid_request_error");
      expect(envelope.error?.code).toBe("missing_model_field");
      expect(envelope.error?.message).toMatch(/model|JSON/);
    }
    expect(upstream.inferenceRequests()).toHaveLength(0);
  });

  it("answers a body over the limit with a 413 envelope", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      config: { maxBodyBytes: 100 },
    });
    const response = await cortex.post("/v1/chat/completions", { model: "test-model", pad: "x".repeat(200) });
    expect(response.status).toBe(413);
    expect((await readLoose(response)).error?.code).toBe("payload_too_large");
    expect(upstream.inferenceRequests()).toHaveLength(0);
  });

  it("answers an unknown model with 404 model_not_found", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await cortex.post("/v1/chat/completions", chat("nope"));
    expect(response.status).toBe(404);
    const envelope = await readLoose(response);
    expect(envelope.error).toMatchObject({ type: "invalid_request_error", code: "model_not_found" });
    expect(envelope.error?.message).toContain("not found");
  });

  it("answers 503 + Retry-After 5 when no node is healthy", async () => {
    const upstream = await neuron();
    upstream.failPolls = true;
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      config: { unhealthyAfterFailures: 1 },
    });
    const response = await cortex.post("/v1/chat/completions", chat());
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const envelope = await readLoose(response);
    expect(envelope.error).toMatchObject({ type: "api_error", code: "service_unavailable", param: null });
    expect(envelope.error?.message).toContain("no healthy nodes");
    // Names each node tried and why, never its endpoint.
    expect(envelope.error?.message).toMatch(/\(n: \/models: HTTP \d{3}\)$/);
    expect(envelope.error?.message).not.toContain(upstream.url);
  });

  it("holds a recovering model with 503 + Retry-After and keeps listing it", async () => {
    const upstream = await neuron({ models: [modelInfo("test-model", { status: "recovering" })] });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await cortex.post("/v1/chat/completions", chat());
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    const message = String((await readLoose(response)).error?.message);
    expect(message).toContain("recovering");
    expect(message).toContain("retry");
    const models = await readLoose(await cortex.app.request("/v1/models"));
    expect(list(models.data).map((entry) => entry.id)).toContain("test-model");
  });

  it("never sends a request to a stalled replica: another replica serves it, or 503 + Retry-After", async () => {
    const stalled = await neuron({ models: [modelInfo("test-model", { status: "stalled" })] });
    const alone = await createTestCortex({ neurons: [{ name: "a", url: stalled.url }] });
    const refused = await alone.post("/v1/chat/completions", chat());
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    const healthy = await neuron();
    const both = await createTestCortex({
      neurons: [
        { name: "a", url: stalled.url },
        { name: "b", url: healthy.url },
      ],
    });
    expect((await both.post("/v1/chat/completions", chat())).status).toBe(200);
    expect(stalled.inferenceRequests()).toHaveLength(0);
    expect(healthy.inferenceRequests()).toHaveLength(1);
  });

  it("resolves an alias and rewrites the body's model", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      catalogue: { aliases: { "helexa/small": "test-model" } },
    });
    const response = await cortex.post("/v1/chat/completions", chat("helexa/small"));
    expect(response.status).toBe(200);
    expect(JSON.parse(upstream.inferenceRequests()[0]?.body ?? "{}").model).toBe("test-model");
  });

  it("routes a non-alias id unchanged when aliases exist", async () => {
    const upstream = await neuron({ inference: (request) => chatReply(JSON.parse(request.body).model) });
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      catalogue: { aliases: { "helexa/small": "other" } },
    });
    const response = await cortex.post("/v1/chat/completions", chat());
    expect((await readLoose(response)).model).toBe("test-model");
  });

  it("answers an unknown route with a 404 envelope and a wrong method with 405", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const missing = await cortex.app.request("/v1/nothing");
    expect(missing.status).toBe(404);
    expect((await readLoose(missing)).error?.code).toBe("route_not_found");
    const wrong = await cortex.app.request("/v1/chat/completions");
    expect(wrong.status).toBe(405);
    expect((await readLoose(wrong)).error?.code).toBe("method_not_allowed");
  });
});
