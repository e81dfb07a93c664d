import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { readLoose } from "../test-support/loose-json.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();
const messages = [{ role: "user", content: "hi" }];

describe("cortex's checks of logprobs, logit_bias and n", () => {
  it("forwards them when in range", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const bodies: Array<[string, Record<string, unknown>]> = [
      [
        "/v1/chat/completions",
        { messages, n: 2, logprobs: true, top_logprobs: 20, logit_bias: { "7": -100 } },
      ],
      ["/v1/completions", { prompt: "x", n: 2, logprobs: 5, logit_bias: { "0": 100 } }],
      ["/v1/responses", { input: "x", include: ["message.output_text.logprobs"], top_logprobs: 3 }],
    ];
    for (const [path, body] of bodies) {
      const response = await cortex.post(path, { model: "test-model", ...body });
      expect([path, response.status]).toEqual([path, 200]);
    }
    expect(upstream.inferenceRequests()).toHaveLength(3);
  });

  it("refuses what the neuron would refuse, naming the field, before any neuron", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["/v1/chat/completions", { messages, logit_bias: { "5": 101 } }, "logit_bias.5"],
      ["/v1/chat/completions", { messages, logit_bias: { word: 1 } }, "logit_bias"],
      ["/v1/chat/completions", { messages, logprobs: true, top_logprobs: 21 }, "top_logprobs"],
      ["/v1/chat/completions", { messages, n: 129 }, "n"],
      ["/v1/chat/completions", { messages, n: 0 }, "n"],
      ["/v1/completions", { prompt: "x", logprobs: 6 }, "logprobs"],
      ["/v1/responses", { input: "x", include: "message.output_text.logprobs" }, "include"],
    ];
    for (const [path, body, param] of cases) {
      const response = await cortex.post(path, { model: "test-model", ...body });
      expect([path, param, response.status]).toEqual([path, param, 400]);
      const envelope = await readLoose(response);
      expect(envelope.error?.type).toBe("invalid_request_error");
      expect(String(envelope.error?.param)).toMatch(new RegExp(`^${param}`));
    }
    expect(upstream.inferenceRequests()).toHaveLength(0);
  });
});
