import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveWorkerEntry } from "../internal/resolve-worker-entry.js";
import type { RunningNeuron } from "../start-neuron.js";
import { postJson, waitFor } from "../test-support/post-json.js";
import { consumeSse, sseData } from "../test-support/read-sse.js";
import { startTestNeuron } from "../test-support/start-test-neuron.js";
import { testConfig } from "../test-support/test-config.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";
import { createForkWorkerFactory } from "./fork-worker-backend.js";
import type { BackendFactory } from "./model-backend.js";

// A model worker stopped (SIGSTOP) mid-stream, with real worker processes: the stall is noticed, the stream
// ends with an error frame, /health says `stalled`, the worker is killed and the model comes back.
let neuron: RunningNeuron;
/** Holds the registry's view of a worker exit until the test has seen `stalled` (the kill itself is not held). */
let releaseExit: () => void = () => undefined;
let exitGate = Promise.resolve();

interface ModelView {
  id: string;
  status: string;
  worker_pid?: number;
}

async function alpha(): Promise<ModelView | undefined> {
  const models = (await (await fetch(`${neuron.url}/models`)).json()) as ModelView[];
  return models.find((model) => model.id === "alpha");
}

async function healthStatus(): Promise<string | undefined> {
  const health = (await (await fetch(`${neuron.url}/health`)).json()) as {
    models: Array<{ id: string; status?: string }>;
  };
  return health.models.find((model) => model.id === "alpha")?.status;
}

function chat(body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return postJson(
    `${neuron.url}/v1/chat/completions`,
    {
      model: "alpha",
      messages: [{ role: "user", content: "hello" }],
      temperature: 0,
      max_tokens: 8,
      ...body,
    },
    { headers },
  );
}

interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

beforeAll(async () => {
  const path = await tinyModelFile();
  const forked = createForkWorkerFactory({
    entry: resolveWorkerEntry(),
    logger: (await import("pino")).pino({ level: "silent" }),
  });
  const factory: BackendFactory = async (spec, onProgress) => {
    const backend = await forked(spec, onProgress);
    const onExit = backend.onExit.bind(backend);
    backend.onExit = (listener) => onExit((reason) => void exitGate.then(() => listener(reason)));
    return backend;
  };
  neuron = await startTestNeuron(
    testConfig([{ id: "alpha", path, context_size: 4096, sequences: 2, preload: true }], {
      admission: { stall_timeout_secs: 2 },
    }),
    { factory },
  );
});

afterAll(async () => {
  releaseExit();
  await neuron?.close();
});

describe("a stalled worker", () => {
  it("ends its stream with an error frame, shows `stalled`, is killed and replaced, then serves again", async () => {
    exitGate = new Promise((resolve) => {
      releaseExit = resolve;
    });
    const before = (await alpha()) as ModelView;
    expect(before.status).toBe("loaded");
    expect(await healthStatus()).toBe("loaded");
    const stream = await chat({ max_tokens: 4000, stream: true }, { "x-request-id": "stalled-1" });
    expect(stream.status).toBe(200);
    let stopped = false;
    const events = await consumeSse(stream, (event) => {
      if (stopped || event.data === undefined || !event.data.includes('"content":"')) return;
      stopped = true;
      process.kill(before.worker_pid as number, "SIGSTOP");
    });
    expect(stopped).toBe(true);
    const data = sseData(events);
    expect(data.at(-1)).toBe("[DONE]");
    expect(data.at(-2)).toMatchObject({ error: { type: "api_error" } });
    expect(JSON.stringify(data.at(-2))).toContain("stalled");
    // The error frame says what the stream is charged: its prompt and every token it delivered; the
    // neuron's usage record (what cortex charges) says the same.
    const charged = (data.at(-2) as { usage: WireUsage }).usage;
    const delivered = data.filter((frame) =>
      /"content":"[^"]/.test(typeof frame === "string" ? frame : JSON.stringify(frame)),
    ).length;
    expect(charged.prompt_tokens).toBeGreaterThan(0);
    expect(charged.completion_tokens).toBeGreaterThanOrEqual(delivered);
    expect(charged.completion_tokens).toBeLessThan(4000);
    expect(charged.total_tokens).toBe(charged.prompt_tokens + charged.completion_tokens);
    const record = (await (await fetch(`${neuron.url}/v1/requests/stalled-1/usage`)).json()) as {
      state: string;
      usage: WireUsage | null;
    };
    expect(record).toMatchObject({
      state: "finished",
      usage: { prompt_tokens: charged.prompt_tokens, completion_tokens: charged.completion_tokens },
    });

    // The exit is held back from the registry: the model reads `stalled`, and new requests get 503.
    expect(await healthStatus()).toBe("stalled");
    expect((await alpha())?.status).toBe("stalled");
    const refused = await chat();
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe("api_error");
    // SIGKILL ended the stopped process.
    await waitFor(
      () => {
        try {
          process.kill(before.worker_pid as number, 0);
          return undefined;
        } catch {
          return true;
        }
      },
      60_000,
      "the stopped worker to be killed",
    );

    releaseExit();
    await waitFor(
      async () => ((await alpha())?.status === "loaded" ? true : undefined),
      60_000,
      "alpha to reload",
    );
    expect(await healthStatus()).toBe("loaded");
    expect((await alpha())?.worker_pid).not.toBe(before.worker_pid);
    const after = await chat();
    expect(after.status).toBe(200);
    // The same prompt, counted the same way as the cut stream's.
    expect(((await after.json()) as { usage: WireUsage }).usage.prompt_tokens).toBe(charged.prompt_tokens);
    const metrics = await (await fetch(`${neuron.url}/metrics`)).text();
    expect(metrics).toMatch(/neuron_worker_stalls_total\{model="alpha"\} 1/);
  });

  it("a busy worker that keeps beating is not stalled: a generation longer than the stall timeout finishes", async () => {
    // Non-streamed, the worker sends nothing but heartbeats until the end; with a 2 s stall timeout the
    // tiny model on a shared CPU is not guaranteed to run past it, so this checks that nothing stalls,
    // whatever the duration.
    const before = (await alpha()) as ModelView;
    const response = await chat({ max_tokens: 3500 });
    expect(response.status).toBe(200);
    expect((await alpha())?.worker_pid).toBe(before.worker_pid);
  });
});
