import { afterEach, describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

async function fleet() {
  const neuron = await startFakeNeuron({ models: [modelInfo("tiny")] });
  neurons.push(neuron);
  const { entitlements } = createRecordingEntitlements({ requireAuth: true });
  return createTestCortex({ neurons: [{ name: "n", url: neuron.url }], anthropic: true, entitlements });
}

const anthropic = { "anthropic-version": "2023-06-01" };
const key = { authorization: "Bearer sk-test" };
const get = (cortex: Awaited<ReturnType<typeof fleet>>, path: string, headers: Record<string, string>) =>
  cortex.app.request(path, { headers });

describe("errors on routes both dialects share", () => {
  it("are Anthropic's envelope, with request-id, when the request says anthropic-version", async () => {
    const cortex = await fleet();
    for (const [status, type, response] of [
      [401, "authentication_error", await get(cortex, "/v1/models", anthropic)],
      [401, "authentication_error", await get(cortex, "/v1/models/tiny", anthropic)],
      [404, "not_found_error", await get(cortex, "/v1/models/nope", { ...anthropic, ...key })],
      [404, "not_found_error", await get(cortex, "/v1/nowhere", { ...anthropic, ...key })],
    ] as const) {
      expect(response.status).toBe(status);
      const body = await response.json();
      expect(body).toEqual({ type: "error", error: { type, message: expect.any(String) } });
      expect(response.headers.get("request-id")).not.toBeNull();
    }
  });

  it("stay OpenAI's envelope without anthropic-version, and on OpenAI's own routes with it", async () => {
    const cortex = await fleet();
    const responses = [
      await get(cortex, "/v1/models", {}),
      await get(cortex, "/v1/models/nope", key),
      await cortex.post("/v1/chat/completions", { model: "tiny", messages: [] }, anthropic),
    ];
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error).toHaveProperty("code");
      expect(body).not.toHaveProperty("type");
    }
  });

  it("leaves successful replies of shared routes alone apart from the request id", async () => {
    const cortex = await fleet();
    const response = await get(cortex, "/v1/models", { ...anthropic, ...key });
    expect(response.status).toBe(200);
    expect(response.headers.get("request-id")).not.toBeNull();
    expect(((await response.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });
});
