import { afterEach, describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { list, readLoose } from "../test-support/loose-json.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

/** A cortex over one neuron serving `Qwen/Qwen3-0.6B` (limit advertised) and `tiny`, alias `small`. */
async function cortex() {
  const neuron = await startFakeNeuron({
    models: [modelInfo("Qwen/Qwen3-0.6B", { limit: { context: 4096, output: 512 } }), modelInfo("tiny")],
  });
  neurons.push(neuron);
  return createTestCortex({
    neurons: [{ name: "n", url: neuron.url }],
    catalogue: { aliases: { small: "Qwen/Qwen3-0.6B" } },
    now: () => 1_700_000_000_000, // `created` is the clock's second: fixed, so entries compare equal
  });
}

async function listed(app: Awaited<ReturnType<typeof cortex>>["app"]) {
  const body = await readLoose(await app.request("/v1/models"));
  return new Map(list(body.data).map((entry) => [String(entry.id), entry]));
}

describe("GET /v1/models/{id}", () => {
  it("answers the same object as the list entry", async () => {
    const { app } = await cortex();
    const response = await app.request("/v1/models/tiny");
    expect(response.status).toBe(200);
    const entry = await readLoose(response);
    expect(entry).toEqual((await listed(app)).get("tiny"));
    expect(entry).toMatchObject({ id: "tiny", object: "model", owned_by: "helexa", loaded: true });
  });

  it("takes an id with a slash raw or percent-encoded", async () => {
    const { app } = await cortex();
    const expected = (await listed(app)).get("Qwen/Qwen3-0.6B");
    expect(expected).toMatchObject({ limit: { context: 4096, output: 512 }, aliases: ["small"] });
    for (const path of ["/v1/models/Qwen/Qwen3-0.6B", "/v1/models/Qwen%2FQwen3-0.6B"]) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(await readLoose(response)).toEqual(expected);
    }
  });

  it("answers an alias with its own entry, as the list shows it", async () => {
    const { app } = await cortex();
    const response = await app.request("/v1/models/small");
    expect(response.status).toBe(200);
    const entry = await readLoose(response);
    expect(entry).toEqual((await listed(app)).get("small"));
    expect(entry).toMatchObject({ id: "small", alias_of: "Qwen/Qwen3-0.6B" });
  });

  it("answers an unknown id with 404 model_not_found naming param model", async () => {
    const { app } = await cortex();
    for (const path of ["/v1/models/nope", "/v1/models/Qwen%2Fnope", "/v1/models/Qwen"]) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect(await readLoose(response)).toMatchObject({
        error: { type: "invalid_request_error", code: "model_not_found", param: "model" },
      });
    }
  });

  it("answers a wrong method with 405, an empty id with the route 404", async () => {
    const { app } = await cortex();
    const wrong = await app.request("/v1/models/tiny", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect((await readLoose(wrong)).error?.code).toBe("method_not_allowed");
    const empty = await app.request("/v1/models/");
    expect(empty.status).toBe(404);
    expect((await readLoose(empty)).error?.code).not.toBe("model_not_found");
  });
});
