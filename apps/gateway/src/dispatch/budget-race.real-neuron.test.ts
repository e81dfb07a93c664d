import { promptTokensUpperBound } from "@helexa/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEntitlements } from "../entitlements/create-entitlements.js";
import type { LocalEntitlements } from "../entitlements/entitlements.js";
import { createTempDir, entitlementsConfig } from "../entitlements/test-support/temp-ledger.js";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { serveApp } from "../test-support/serve-app.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

// 50 requests at once on one capped key, against a real neuron (tiny model) through cortex: whatever
// route and output-limit field the client uses, the key never spends past its cap (the hold is an upper
// bound of the prompt plus the output limit the neuron is held to).
const CAP = 600;
const RACE = 50;
const FIELDS = ["max_completion_tokens", "max_tokens", "max_output_tokens"] as const;
const ROUTES = {
  "/v1/chat/completions": { messages: [{ role: "user", content: "Tell me a very long story." }] },
  "/v1/completions": { prompt: "Once upon a time" },
  "/v1/responses": { input: "Tell me a very long story." },
} as const;
const CASES: Array<[string, string, Record<string, unknown>]> = [
  ...Object.entries(ROUTES).flatMap(([route, body]) =>
    FIELDS.map((field): [string, string, Record<string, unknown>] => [
      route,
      field,
      { ...body, [field]: 40 },
    ]),
  ),
  [
    "/v1/messages",
    "max_tokens",
    { messages: [{ role: "user", content: "Tell me a very long story." }], max_tokens: 40 },
  ],
  // Streams are settled from the neuron's usage lookup (no usage chunk is asked for).
  [
    "/v1/chat/completions",
    "max_output_tokens, streamed",
    { ...ROUTES["/v1/chat/completions"], max_output_tokens: 40, stream: true },
  ],
  ["/v1/responses", "max_tokens, streamed", { ...ROUTES["/v1/responses"], max_tokens: 40, stream: true }],
  [
    "/v1/messages",
    "max_tokens, streamed",
    { messages: [{ role: "user", content: "Tell me a very long story." }], max_tokens: 40, stream: true },
  ],
];

let neuron: SpawnedNeuron;
let cortex: TestCortex;
let server: { url: string; close(): Promise<void> };
let entitlements: LocalEntitlements;
const temp = createTempDir();

beforeAll(async () => {
  neuron = await spawnTinyNeuron({ sequences: 4, maxQueueDepth: 64, contextSize: 2048 });
  entitlements = createEntitlements({
    config: entitlementsConfig({
      keys: CASES.map((_, index) => ({
        key: `sk-race-${index}`,
        key_id: `race-${index}`,
        account_id: "acct",
        hard_cap: CAP,
      })),
    }),
    ledgerPath: temp.ledgerPath,
  });
  cortex = await createTestCortex({
    neurons: [{ name: "n", url: neuron.url }],
    anthropic: true,
    entitlements,
  });
  server = await serveApp(cortex);
}, 120_000);

afterAll(async () => {
  await server?.close();
  cortex?.close();
  entitlements?.dispose();
  await neuron?.kill();
  temp.cleanup();
});

describe("a 50-way race on one capped key", () => {
  it.each(CASES.map((testCase, index) => [...testCase, index] as const))(
    "%s with %s spends at most the cap",
    async (route, _field, body, index) => {
      const replies = await Promise.all(
        Array.from({ length: RACE }, async () => {
          const response = await fetch(`${server.url}${route}`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer sk-race-${index}` },
            body: JSON.stringify({ model: "tiny", temperature: 0, ...body }),
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      expect(replies.filter((status) => status === 200).length).toBeGreaterThan(0);
      expect(replies.every((status) => status === 200 || status === 429)).toBe(true);
      // A stream is settled once the neuron has said what it generated, just after the client's reply ends.
      const identity = { keyId: `race-${index}`, accountId: "acct" };
      while (entitlements.usageFor(identity).reserved > 0)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const usage = entitlements.usageFor(identity);
      expect(usage.spent).toBeGreaterThan(0);
      expect(usage.spent).toBeLessThanOrEqual(CAP);
    },
    120_000,
  );
});

describe("the prompt bound the hold uses", () => {
  const tool = {
    type: "function",
    function: {
      name: "f",
      description: "d",
      parameters: { type: "object", properties: { a: { type: "string" } } },
    },
  };
  it.each([
    ["one short message", { messages: [{ role: "user", content: "a" }] }],
    ["an empty message", { messages: [{ role: "user", content: "" }] }],
    [
      "system and user",
      {
        messages: [
          { role: "system", content: "s" },
          { role: "user", content: "u" },
        ],
      },
    ],
    [
      "many empty turns",
      {
        messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: "" })),
      },
    ],
    ["a small tool", { messages: [{ role: "user", content: "x" }], tools: [tool] }],
    ["multi-byte text", { messages: [{ role: "user", content: "é😀中".repeat(50) }] }],
    ["a raw prompt", { prompt: "x" }],
  ])("is never below the neuron's exact count: %s", async (_name, body) => {
    const response = await fetch(`${neuron.url}/v1/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", ...body }),
    });
    const { tokens } = (await response.json()) as { tokens: number };
    expect(tokens).toBeGreaterThan(0);
    expect(promptTokensUpperBound({ model: "tiny", ...body })).toBeGreaterThanOrEqual(tokens);
  });
});
