import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineChatRequest } from "../ipc/engine-request.js";
import { tinyModelFile } from "../test-support/tiny-model-file.js";
import { loadModelRuntime, type ModelRuntime } from "./load-model-runtime.js";
import { runChatGeneration } from "./run-chat-generation.js";

// Real inference on the tiny model, in this process: three sequences of one context.
let runtime: ModelRuntime;

beforeAll(async () => {
  runtime = await loadModelRuntime(
    {
      modelId: "tiny",
      source: { kind: "path", path: await tinyModelFile() },
      contextSize: 3 * 2048,
      sequences: 3,
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

const request = (content: string, maxTokens: number): EngineChatRequest => ({
  kind: "chat",
  messages: [{ role: "user", content }],
  tools: [],
  toolChoice: "auto",
  responseFormat: { type: "text" },
  sampling: { temperature: 0, maxTokens, stop: [] },
});

/** Runs a generation; resolves when its first token came, and with `done` once it ended; `stop` aborts it. */
function generate(content: string, maxTokens: number) {
  const controller = new AbortController();
  let firstToken: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    firstToken = resolve;
  });
  const done = runChatGeneration(
    runtime,
    request(content, maxTokens),
    (event) => {
      if (event.type === "delta") firstToken();
    },
    controller.signal,
  );
  return { started, done, stop: () => controller.abort() };
}

describe("SequencePool", () => {
  it("lets a generation that starts while two others run in at once, not after them", async () => {
    // Each earlier run leaves its answer in its sequence, so the next start trims it (the context lock).
    await Promise.all([generate("one", 64).done, generate("two", 64).done, generate("three", 64).done]);
    const finished: string[] = [];
    const long = [generate("one", 1500), generate("two", 1500)];
    const longDone = long.map((run) => run.done.then(() => finished.push("long")));
    await Promise.all(long.map((run) => run.started));
    await generate("three", 4).done.then(() => finished.push("short"));
    // Without the join gate the short one starts only once both long ones have ended.
    expect(finished).toEqual(["short"]);
    // That is all the long ones had to show: end them instead of waiting for 3,000 tokens on one thread
    // (over the test's 60 s on a loaded 2-core host).
    for (const run of long) run.stop();
    await Promise.all(longDone);
    expect(finished).toEqual(["short", "long", "long"]);
  });
});
