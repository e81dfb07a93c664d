import { contextLengthExceeded, invalidRequest } from "@helexa/core";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";
import { promptFieldOf } from "../ipc/prompt-field-of.js";
import type { WorkerModelInfo } from "../ipc/worker-protocol.js";
import type { BackendFactory, ModelBackend, StartedGeneration } from "../supervisor/model-backend.js";

export interface FakeScript {
  /** Tokens a prompt counts as (default: characters / 4, at least 1). */
  count?: (request: EngineRequest) => number;
  /** Events to emit for a generation (default: "hello" then done). */
  events?: (request: EngineRequest) => GenerationEvent[];
  /** Waits before the first event (e.g. a slow prefill). */
  delayMs?: number;
  contextSize?: number;
}

/** A fake engine for HTTP-shape and queueing tests (no native code, no processes). */
export class FakeBackend implements ModelBackend {
  readonly info: WorkerModelInfo;
  #exit: Array<(reason: string) => void> = [];
  disposed = false;
  /** Requests that went through `start` (counted and generated in one go). */
  started = 0;

  constructor(
    private readonly script: FakeScript,
    sequences: number,
  ) {
    this.info = {
      contextSize: script.contextSize ?? 1024,
      sequences,
      trainContextSize: 2048,
      gpu: "cpu",
      chatWrapper: "Fake",
      toolCall: true,
      reasoning: true,
    };
  }

  async count(request: EngineRequest) {
    const text =
      request.kind === "chat"
        ? request.messages.map((message) => message.content).join("")
        : typeof request.prompt === "string"
          ? request.prompt
          : "";
    if (text.includes("REFUSE")) {
      throw invalidRequest("refused by engine", "messages");
    }
    const tokens = this.script.count?.(request) ?? Math.max(1, Math.ceil(text.length / 4));
    return { promptTokens: tokens, characters: text.length, textTokens: tokens };
  }

  async start(request: EngineRequest, signal: AbortSignal): Promise<StartedGeneration> {
    const counted = await this.count(request);
    const max = maxPromptTokens(this.info.contextSize);
    if (counted.promptTokens > max)
      throw contextLengthExceeded(max, counted.promptTokens, false, promptFieldOf(request));
    this.started += 1;
    return { counted, events: this.generate(request, signal) };
  }

  async *generate(request: EngineRequest, signal: AbortSignal): AsyncIterable<GenerationEvent> {
    if (this.script.delayMs !== undefined)
      await new Promise((resolve) => setTimeout(resolve, this.script.delayMs));
    const events = this.script.events?.(request) ?? [
      { type: "delta", content: "hello" },
      {
        type: "done",
        finishReason: "stop",
        usage: { promptTokens: 3, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0 },
      },
    ];
    for (const event of events) {
      if (signal.aborted) {
        yield {
          type: "done",
          finishReason: "abort",
          usage: { promptTokens: 3, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0 },
        };
        return;
      }
      yield event;
    }
  }

  onExit(listener: (reason: string) => void): void {
    this.#exit.push(listener);
  }

  /** Simulates the worker dying. */
  crash(reason = "fake worker died"): void {
    for (const listener of this.#exit) listener(reason);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** A factory of fake backends; `created` records every backend handed out. */
export function fakeFactory(script: FakeScript = {}): BackendFactory & { created: FakeBackend[] } {
  const created: FakeBackend[] = [];
  const factory = async (spec: Parameters<BackendFactory>[0]) => {
    if (spec.source.kind === "path" && spec.source.path.includes("missing")) {
      throw invalidRequest("no such file", null, "model_load_failed");
    }
    const backend = new FakeBackend(script, spec.sequences);
    created.push(backend);
    return backend;
  };
  return Object.assign(factory, { created });
}
