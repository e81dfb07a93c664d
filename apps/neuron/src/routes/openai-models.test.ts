import { afterEach, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { fakeFactory } from "../test-support/fake-backend.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";

let neuron: RunningNeuron | undefined;

afterEach(async () => {
  await neuron?.close();
  neuron = undefined;
});

async function start() {
  const models = [
    { id: "fake", path: "/models/fake.gguf", preload: true, sequences: 1 },
    { id: "org/fake-2", path: "/models/fake-2.gguf", preload: true, sequences: 1 },
    { id: "idle", path: "/models/idle.gguf", preload: false, sequences: 1 },
  ];
  neuron = await startTestNeuron(testConfig(models), { factory: fakeFactory({}) });
  return neuron.app;
}

describe("OpenAI models routes", () => {
  it("list the models serving now, each retrievable by id (a / in the id raw or encoded)", async () => {
    const app = await start();
    const list = (await (await app.request("/v1/models")).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((model) => model.id)).toEqual(["fake", "org/fake-2"]);
    const paths: Array<[string, string]> = [
      ["/v1/models/fake", "fake"],
      ["/v1/models/org/fake-2", "org/fake-2"],
      ["/v1/models/org%2Ffake-2", "org/fake-2"],
    ];
    for (const [path, id] of paths) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      const model = await response.json();
      expect(model).toEqual(list.data.find((entry) => entry.id === id));
      expect(model).toMatchObject({ id, object: "model", owned_by: "helexa", created: expect.any(Number) });
    }
  });

  it("answer 404 model_not_found for a model that is unknown or not serving", async () => {
    const app = await start();
    for (const id of ["nope", "idle"]) {
      const response = await app.request(`/v1/models/${id}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: {
          message: `model '${id}' not found`,
          type: "invalid_request_error",
          code: "model_not_found",
          param: "model",
          model_id: id,
        },
      });
    }
  });
});
