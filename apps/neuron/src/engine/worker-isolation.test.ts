import { HelexaError } from "@helexa/core";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveWorkerEntry } from "../internal/resolve-worker-entry.js";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { createForkWorkerFactory } from "../supervisor/fork-worker-backend.js";
import type { ModelBackend } from "../supervisor/model-backend.js";
import type { WorkerBackend } from "../supervisor/worker-backend.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";

// A request whose options the engine cannot take fails alone: the worker (a real forked process on the
// tiny model) keeps its pid and the stream generating beside it ends normally.
let backend: ModelBackend;
const exits: string[] = [];

beforeAll(async () => {
  const factory = createForkWorkerFactory({ entry: resolveWorkerEntry(), logger: pino({ level: "silent" }) });
  backend = await factory(
    {
      modelId: "tiny",
      source: { kind: "path", path: await tinyModelFile() },
      contextSize: 1024,
      sequences: 2,
      gpu: "cpu",
      threads: 1,
      gpuLayers: "auto",
    },
    () => {},
  );
  backend.onExit((reason) => exits.push(reason));
});

afterAll(async () => {
  await backend?.dispose();
});

const honest: EngineRequest = {
  kind: "chat",
  messages: [{ role: "user", content: "Tell me a long story." }],
  tools: [],
  toolChoice: "auto",
  responseFormat: { type: "text" },
  sampling: { temperature: 0, maxTokens: 48, stop: [] },
};

/** Requests as a buggy or hostile caller could put them on the IPC channel (the routes refuse these). */
const poisoned: Array<[name: string, request: EngineRequest, param: string]> = [
  ["repeat penalty {}", withSampling({ repeatPenalty: {} }), "repeat_penalty"],
  ["stop [5]", withSampling({ stop: [5] }), "stop"],
  ["stop 5", withSampling({ stop: 5 }), "stop"],
  ["temperature 'hot'", withSampling({ temperature: "hot" }), "temperature"],
  ["top_k 1e20", withSampling({ topK: 1e20 }), "top_k"],
  ["no sampling", { ...honest, sampling: undefined } as unknown as EngineRequest, "sampling"],
];

function withSampling(extra: Record<string, unknown>): EngineRequest {
  return { ...honest, sampling: { ...honest.sampling, ...extra } } as unknown as EngineRequest;
}

async function drain(events: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const seen: GenerationEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe("one request's bad options", () => {
  it("fail that request only, beside an honest stream, in the same worker", async () => {
    const pid = (backend as WorkerBackend).pid;
    const started = await backend.start(honest, new AbortController().signal, { stream: true });
    const iterator = started.events[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    for (const [name, request, param] of poisoned) {
      // Counted first (`start`): refused as a 400 naming the field.
      const refused = await backend.start(request, new AbortController().signal, { stream: true }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(HelexaError.is(refused), name).toBe(true);
      expect((refused as HelexaError).statusCode, name).toBe(400);
      expect((refused as HelexaError).param, name).toBe(param);
      // Straight to generation: one error event for this request alone.
      const events = await drain(backend.generate(request, new AbortController().signal, { stream: true }));
      expect(events, name).toEqual([{ type: "error", message: expect.stringContaining(param) }]);
    }
    const rest: GenerationEvent[] = [];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      rest.push(next.value);
    expect(rest.at(-1)).toMatchObject({ type: "done", finishReason: "length" });
    expect((backend as WorkerBackend).pid).toBe(pid);
    expect(exits).toEqual([]);
    // And the worker still serves.
    const after = await drain(
      (await backend.start(honest, new AbortController().signal, { stream: false })).events,
    );
    expect(after.at(-1)).toMatchObject({ type: "done" });
  });
});
