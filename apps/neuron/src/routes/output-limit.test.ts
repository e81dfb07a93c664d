import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson } from "../test-support/post-json.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// Every generating route honours every output-limit field, read as cortex reads it (`requestedOutputLimit`),
// so a limit cortex reserved budget for is never exceeded whatever field the client used.
let neuron: RunningNeuron;

beforeAll(async () => {
  const path = await tinyModelFile();
  neuron = await startTestNeuron(
    testConfig([{ id: "tiny", path, context_size: 2048, sequences: 2, preload: true }]),
  );
});

afterAll(async () => {
  await neuron?.close();
});

const bodies = {
  "/v1/chat/completions": { messages: [{ role: "user", content: "Tell me a long story." }] },
  "/v1/completions": { prompt: "Once upon a time" },
  "/v1/responses": { input: "Tell me a long story." },
} as const;

async function completionTokens(route: keyof typeof bodies, extra: Record<string, unknown>): Promise<number> {
  const response = await postJson(`${neuron.url}${route}`, {
    model: "tiny",
    temperature: 0,
    ...bodies[route],
    ...extra,
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { usage: { completion_tokens?: number; output_tokens?: number } };
  return body.usage.completion_tokens ?? body.usage.output_tokens ?? Number.NaN;
}

describe("output limits", () => {
  const cases = (Object.keys(bodies) as Array<keyof typeof bodies>).flatMap((route) =>
    (["max_completion_tokens", "max_tokens", "max_output_tokens"] as const).map(
      (field) => [route, field] as const,
    ),
  );
  it.each(cases)("%s stops at %s = 3", async (route, field) => {
    expect(await completionTokens(route, { [field]: 3 })).toBeLessThanOrEqual(3);
  });

  it("reads the route's canonical field first (Responses: max_output_tokens over max_tokens)", async () => {
    expect(
      await completionTokens("/v1/responses", { max_output_tokens: 2, max_tokens: 40 }),
    ).toBeLessThanOrEqual(2);
  });
});
