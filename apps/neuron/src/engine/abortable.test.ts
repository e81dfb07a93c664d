import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineChatRequest, EngineCompletionRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";
import { abortable, aborted } from "./abortable.js";
import { loadModelRuntime, type ModelRuntime } from "./load-model-runtime.js";
import { runChatGeneration } from "./run-chat-generation.js";
import { runCompletionGeneration } from "./run-completion-generation.js";

// An aborted generation ends with `done` (`abort`) and its usage however early the abort came: real
// inference on the tiny model, in this process.
let runtime: ModelRuntime;

beforeAll(async () => {
  runtime = await loadModelRuntime(
    {
      modelId: "tiny",
      source: { kind: "path", path: await tinyModelFile() },
      contextSize: 2048,
      sequences: 1,
      gpu: "cpu",
      threads: 1,
      gpuLayers: 0,
    },
    () => {},
  );
});

afterAll(async () => {
  await runtime?.dispose();
});

const chat: EngineChatRequest = {
  kind: "chat",
  messages: [{ role: "user", content: "Tell me a long story." }],
  tools: [],
  toolChoice: "auto",
  responseFormat: { type: "text" },
  sampling: { temperature: 0, maxTokens: 200, stop: [] },
};

const completion: EngineCompletionRequest = {
  kind: "completion",
  prompt: "Once upon a time",
  responseFormat: { type: "text" },
  sampling: { temperature: 0, maxTokens: 200, stop: [] },
};

/** Runs a request with `signal`; `onEvent` sees each event as it is emitted. */
async function run(
  request: EngineChatRequest | EngineCompletionRequest,
  signal: AbortSignal,
  streamed: boolean,
  onEvent: (event: GenerationEvent) => void = () => {},
): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  const emit = (event: GenerationEvent) => {
    events.push(event);
    onEvent(event);
  };
  if (request.kind === "chat") await runChatGeneration(runtime, request, emit, signal, undefined, streamed);
  else await runCompletionGeneration(runtime, request, emit, signal, undefined, streamed);
  return events;
}

describe("abortable", () => {
  it("returns what the generation returned, and rethrows a failure that was not an abort", async () => {
    const signal = new AbortController().signal;
    expect(await abortable(signal, async () => 7)).toBe(7);
    await expect(
      abortable(signal, async () => {
        throw new Error("broken");
      }),
    ).rejects.toThrow("broken");
  });

  it("returns `aborted` when the generation threw because its signal aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(
      await abortable(controller.signal, async () => {
        throw controller.signal.reason;
      }),
    ).toBe(aborted);
  });
});

describe.each([
  ["chat", chat],
  ["completion", completion],
] as const)("a %s generation aborted before its first token", (_kind, request) => {
  it.each([
    ["streamed", true],
    ["whole", false],
  ] as const)("%s: ends with done (abort) and its prompt's usage, not an error", async (_mode, streamed) => {
    const controller = new AbortController();
    controller.abort();
    const events = await run(request, controller.signal, streamed);
    expect(events.some((event) => event.type === "error")).toBe(false);
    const done = events.at(-1);
    expect(done).toMatchObject({
      type: "done",
      finishReason: "abort",
      usage: { completionTokens: 0, reasoningTokens: 0 },
    });
    expect(done?.type === "done" && done.usage.promptTokens).toBeGreaterThan(0);
  });
});

describe("a generation aborted after its first text", () => {
  it("ends with done (abort) counting at least the tokens its deltas released", async () => {
    const controller = new AbortController();
    let released = 0;
    const events = await run(chat, controller.signal, true, (event) => {
      if (event.type === "delta" && (event.tokens ?? 0) > 0) {
        released += event.tokens ?? 0;
        controller.abort();
      }
    });
    const done = events.at(-1);
    expect(released).toBeGreaterThan(0);
    expect(done).toMatchObject({ type: "done", finishReason: "abort" });
    expect(done?.type === "done" && done.usage.completionTokens).toBeGreaterThanOrEqual(released);
    expect(done?.type === "done" && done.usage.completionTokens).toBeLessThan(200);
  });
});
