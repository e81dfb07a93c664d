import { afterEach, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { fakeFactory } from "../test-support/fake-backend.js";
import { waitFor } from "../test-support/post-json.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";

// n choices against a fake engine: what happens when admission cannot take every choice.
let neuron: RunningNeuron | undefined;

afterEach(async () => {
  await neuron?.close();
  neuron = undefined;
});

const chat = (extra: Record<string, unknown>) =>
  JSON.stringify({ model: "fake", messages: [{ role: "user", content: "hi" }], ...extra });

describe("admitChoices", () => {
  it("a choice admission refuses: the reply is that refusal, and the choices already admitted give their places back", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const factory = fakeFactory();
    neuron = await startTestNeuron(
      testConfig([{ id: "fake", path: "/models/fake.gguf", preload: true, sequences: 2 }], {
        admission: { max_queue_depth: 0 },
      }),
      { factory },
    );
    const app = neuron.app;
    const entry = neuron.registry.get("fake");
    // One request holds one of the two places until released.
    const backend = factory.created[0];
    expect(backend).toBeDefined();
    const generate = backend?.generate.bind(backend);
    if (backend !== undefined && generate !== undefined) {
      backend.generate = async function* (request, signal) {
        await held;
        yield* generate(request, signal);
      };
    }
    const busy = app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chat({}),
    });
    await waitFor(() => (entry?.admission.inFlight === 1 ? true : undefined));
    const response = await app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chat({ n: 2 }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { type: string } }).error).toBeDefined();
    release();
    expect((await busy).status).toBe(200);
    await waitFor(() => (entry?.admission.inFlight === 0 ? true : undefined), 10_000, "every place back");
    // With the places free, both choices run.
    const both = await app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chat({ n: 2 }),
    });
    expect(both.status).toBe(200);
    expect(((await both.json()) as { choices: unknown[] }).choices).toHaveLength(2);
  });
});
