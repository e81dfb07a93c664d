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

  readonly kills: Array<NodeJS.Signals | number | undefined> = [];

  kill(signal?: NodeJS.Signals | number): boolean {
    this.kills.push(signal);
    return true;
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
    expect(await drain(events)).toEqual([
      { type: "error", message: "model worker exited (SIGKILL)", retryAfterSecs: 2 },
    ]);
    const error = await stream.catch((caught: unknown) => caught);
    expect(HelexaError.is(error) && error.statusCode === 503).toBe(true);
    await expect(worker.start(request, new AbortController().signal, { stream: false })).rejects.toThrow(
      "model worker exited (SIGKILL)",
    );
  });
});

describe("WorkerBackend stalls", () => {
  /** A backend on a clock the test moves; the stall timeout is 1000 "ms" of it. */
  function watched() {
    const clock = { now: 0 };
    const child = new FakeChild();
    const worker = new WorkerBackend(child as unknown as ChildProcess, info, pino({ level: "silent" }), {
      stallTimeoutMs: 1_000,
      now: () => clock.now,
    });
    const stalls: string[] = [];
    worker.onStall((reason) => stalls.push(reason));
    return { clock, child, worker, stalls };
  }

  it("a worker silent for the stall timeout while it streams: the stream ends with a retryable error, SIGKILL", async () => {
    const { clock, child, worker, stalls } = watched();
    const events = worker.generate(request, new AbortController().signal, { stream: true });
    const seen = drain(events);
    child.reply({ type: "events", items: [{ id: 1, event: { type: "delta", content: "par" } }] });
    clock.now = 999;
    worker.checkStall();
    expect(child.kills).toEqual([]);
    clock.now = 1_000;
    worker.checkStall();
    expect(child.kills).toEqual(["SIGKILL"]);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toContain("stalled");
    const all = await seen;
    expect(all[0]).toEqual({ type: "delta", content: "par" });
    expect(all[1]).toMatchObject({ type: "error", retryAfterSecs: 2 });
    expect(all).toHaveLength(2);
    // A request after the stall is refused at once; the exit that follows keeps the stall as the reason.
    await expect(worker.count(request)).rejects.toMatchObject({ statusCode: 503, retryAfterSecs: 2 });
    child.die("SIGKILL");
    worker.checkStall();
    expect(stalls).toHaveLength(1);
  });

  it("heartbeats keep a busy worker alive; silence while idle is no stall", async () => {
    const { clock, child, worker, stalls } = watched();
    clock.now = 5_000;
    worker.checkStall();
    const counted = worker.count(request);
    clock.now = 5_900;
    worker.checkStall();
    child.reply({ type: "heartbeat" });
    clock.now = 6_800;
    worker.checkStall();
    expect(stalls).toEqual([]);
    expect(child.kills).toEqual([]);
    child.reply({ type: "counted", id: 1, result: { promptTokens: 3, characters: 2, textTokens: 1 } });
    expect((await counted).promptTokens).toBe(3);
    clock.now = 60_000;
    worker.checkStall();
    expect(stalls).toEqual([]);
  });

  it("pending counts and uncounted streams are refused with 503 + Retry-After; a whole answer gets a retryable error event", async () => {
    const { clock, child, worker } = watched();
    const count = worker.count(request);
    const stream = worker.start(request, new AbortController().signal, { stream: true });
    const whole = worker.start(request, new AbortController().signal, { stream: false });
    clock.now = 2_000;
    worker.checkStall();
    await expect(count).rejects.toMatchObject({ statusCode: 503, retryAfterSecs: 2 });
    await expect(stream).rejects.toMatchObject({ statusCode: 503, retryAfterSecs: 2 });
    const { events } = await whole;
    expect(await drain(events)).toEqual([expect.objectContaining({ type: "error", retryAfterSecs: 2 })]);
    expect(child.kills).toEqual(["SIGKILL"]);
  });

  it("a prompt count the worker never answers fails with 503 + Retry-After after the stall timeout", async () => {
    const child = new FakeChild();
    // The clock stands still, so only the count's own timeout can end it.
    const worker = new WorkerBackend(child as unknown as ChildProcess, info, pino({ level: "silent" }), {
      stallTimeoutMs: 20,
      now: () => 0,
    });
    const error = await worker.count(request).catch((caught: unknown) => caught);
    expect(HelexaError.is(error) && error.statusCode === 503 && error.retryAfterSecs === 2).toBe(true);
    expect(child.kills).toEqual([]);
    // A late answer to it is ignored.
    child.reply({ type: "counted", id: 1, result: { promptTokens: 3, characters: 2, textTokens: 1 } });
  });
});
