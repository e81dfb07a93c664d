import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { HelexaError } from "@helexa/core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import type { SupervisorMessage, WorkerMessage } from "../ipc/worker-protocol.js";
import { WorkerBackend } from "./worker-backend.js";

/** A stand-in for the forked worker: records what the supervisor sends, replays what a worker would. */
class FakeChild extends EventEmitter {
  readonly sent: SupervisorMessage[] = [];
  connected = true;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  pid = 4242;

  send(message: SupervisorMessage, callback?: (error: Error | null) => void): boolean {
    this.sent.push(message);
    callback?.(null);
    return true;
  }

  reply(message: WorkerMessage): void {
    this.emit("message", message);
  }

  die(signal: NodeJS.Signals): void {
    this.connected = false;
    this.signalCode = signal;
    this.emit("exit", null, signal);
  }
}

const info = {
  contextSize: 1024,
  sequences: 2,
  trainContextSize: 2048,
  gpu: "cpu",
  chatWrapper: "ChatML",
  toolCall: true,
  reasoning: false,
};
const request: EngineRequest = {
  kind: "completion",
  prompt: "hi",
  responseFormat: { type: "text" },
  sampling: { temperature: 0, stop: [] },
};
const usage = { promptTokens: 2, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0 };

function backend() {
  const child = new FakeChild();
  const worker = new WorkerBackend(child as unknown as ChildProcess, info, pino({ level: "silent" }));
  return { child, worker };
}

async function drain(events: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const seen: GenerationEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe("WorkerBackend.start", () => {
  it("sends one start message and resolves with the count that arrives with the events", async () => {
    const { child, worker } = backend();
    const started = worker.start(request, new AbortController().signal, { stream: false });
    expect(child.sent).toEqual([{ type: "start", id: 1, request, stream: false }]);
    child.reply({
      type: "events",
      items: [
        { id: 1, event: { type: "delta", content: "yo" } },
        { id: 1, event: { type: "done", finishReason: "length", usage } },
      ],
      counted: [{ id: 1, result: { promptTokens: 2, characters: 2, textTokens: 2 } }],
    });
    const { counted, events } = await started;
    expect(counted.promptTokens).toBe(2);
    expect(await drain(events)).toEqual([
      { type: "delta", content: "yo" },
      { type: "done", finishReason: "length", usage },
    ]);
  });

  it("rejects with the worker's refusal, and forwards an abort", async () => {
    const { child, worker } = backend();
    const controller = new AbortController();
    const started = worker.start(request, controller.signal, { stream: true });
    controller.abort();
    expect(child.sent.at(-1)).toEqual({ type: "abort", id: 1 });
    child.reply({
      type: "count-failed",
      id: 1,
      error: { statusCode: 400, code: "context_length_exceeded", message: "too long", param: "messages" },
    });
    const error = await started.catch((caught: unknown) => caught);
    expect(
      HelexaError.is(error) && error.statusCode === 400 && error.code === "context_length_exceeded",
    ).toBe(true);
  });

  it("a worker dying under a whole answer ends it with an error event; under an uncounted stream, 503", async () => {
    const { child, worker } = backend();
    const whole = worker.start(request, new AbortController().signal, { stream: false });
    const stream = worker.start(request, new AbortController().signal, { stream: true });
    child.die("SIGKILL");
    const { events } = await whole;
    expect(await drain(events)).toEqual([{ type: "error", message: "model worker exited (SIGKILL)" }]);
    const error = await stream.catch((caught: unknown) => caught);
    expect(HelexaError.is(error) && error.statusCode === 503).toBe(true);
    await expect(worker.start(request, new AbortController().signal, { stream: false })).rejects.toThrow(
      "model worker exited (SIGKILL)",
    );
  });
});
