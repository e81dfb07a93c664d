import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson, waitFor } from "../test-support/post-json.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// Admission with real inference: sequences = 2 running, max_queue_depth = 2 waiting, the rest refused.
let neuron: RunningNeuron;

interface Health {
  models: Array<{
    id: string;
    in_flight: number;
    queue_depth: number;
    max_in_flight: number;
    max_queue_depth: number;
  }>;
}

async function load(): Promise<Health["models"][number] | undefined> {
  const health = (await (await fetch(`${neuron.url}/health`)).json()) as Health;
  return health.models.find((model) => model.id === "tiny");
}

beforeAll(async () => {
  const path = await tinyModelFile();
  neuron = await startTestNeuron(
    testConfig([{ id: "tiny", path, context_size: 4096, sequences: 2, preload: true }], {
      admission: { max_queue_depth: 2, max_wait_secs: 120 },
    }),
  );
});

afterAll(async () => {
  await neuron?.close();
});

describe("admission", () => {
  it("admits four of six concurrent requests (two running, two queued) and refuses two with 503 + Retry-After", async () => {
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const outcomes: Array<Response | undefined> = Array(6).fill(undefined);
    const requests = controllers.map((controller, index) =>
      postJson(
        `${neuron.url}/v1/chat/completions`,
        {
          model: "tiny",
          messages: [{ role: "user", content: `request ${index}` }],
          temperature: 0,
          max_tokens: 4000,
          stream: true,
        },
        { signal: controller.signal },
      ).then(
        (response) => {
          outcomes[index] = response;
          return response;
        },
        () => undefined,
      ),
    );
    // Observe the queue while the first two run (their 4000 tokens take seconds).
    const observed = await waitFor(
      async () => {
        const current = await load();
        return current !== undefined && current.in_flight === 2 && current.queue_depth === 2
          ? current
          : undefined;
      },
      60_000,
      "2 running + 2 queued on /health",
    );
    expect(observed).toMatchObject({ max_in_flight: 2, max_queue_depth: 2 });
    const refused = await waitFor(
      () => {
        const done = outcomes.filter((response) => response?.status === 503);
        return done.length === 2 ? done : undefined;
      },
      30_000,
      "two refusals",
    );
    for (const response of refused) {
      expect(Number(response?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await response?.json()).toMatchObject({
        error: { type: "rate_limit_error", code: "rate_limit_exceeded" },
      });
    }
    const running = await waitFor(
      () => {
        const started = outcomes.filter((response) => response?.status === 200);
        return started.length === 2 ? started : undefined;
      },
      30_000,
      "two streams open",
    );
    expect(running).toHaveLength(2);
    // Still two queued: their responses have not started.
    expect(outcomes.filter((response) => response === undefined)).toHaveLength(2);
    expect(await load()).toMatchObject({ in_flight: 2, queue_depth: 2 });

    // Clients that go away free their places at once, running or queued.
    for (const controller of controllers) controller.abort();
    await Promise.all(requests);
    await waitFor(
      async () => {
        const current = await load();
        return current?.in_flight === 0 && current.queue_depth === 0 ? true : undefined;
      },
      30_000,
      "an idle model after the clients left",
    );
    const after = await postJson(`${neuron.url}/v1/chat/completions`, {
      model: "tiny",
      messages: [{ role: "user", content: "again" }],
      max_tokens: 4,
    });
    expect(after.status).toBe(200);
  });
});
