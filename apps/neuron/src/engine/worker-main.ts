import { HelexaError } from "@helexa/core/errors";
import type { EngineRequest } from "../ipc/engine-request.js";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { heartbeatIntervalMs } from "../ipc/heartbeat-interval-ms.js";
import { promptFieldOf } from "../ipc/prompt-field-of.js";
import type { SupervisorMessage, WorkerCountResult, WorkerMessage } from "../ipc/worker-protocol.js";
import { calibrationSample } from "./calibration-sample.js";
import { checkEngineRequest } from "./check-engine-request.js";
import { checkPromptFits } from "./check-prompt-fits.js";
import { type CountedPrompt, countPrompt, type PreparedPrompt } from "./count-prompt.js";
import { echoPrompt } from "./echo-prompt.js";
import { EventOutbox } from "./event-outbox.js";
import { HeldEvents } from "./held-events.js";
import { loadModelRuntime, type ModelRuntime, openLlama } from "./load-model-runtime.js";
import { runChatGeneration } from "./run-chat-generation.js";
import { runCompletionGeneration } from "./run-completion-generation.js";
import { toWorkerError } from "./to-worker-error.js";
import { tokenBiasOf } from "./token-bias-of.js";

/**
 * Entry of a model worker process (forked by the supervisor with an IPC channel). It holds one model
 * and answers `load`, `count`, `start`, `generate` and `abort`; a native crash here ends only this process.
 */
function send(message: WorkerMessage): void {
  process.send?.(message);
}

/**
 * At most one events message per 8 ms while tokens stream (a request's first and last events go at
 * once): 125 updates a second is beyond what a reader sees, and above ~125 tokens/s per process each
 * message carries several tokens, so the worker's thread (which also drives decoding) and the supervisor
 * spend per batch, not per token.
 */
const streamIntervalMs = 8;
const outbox = new EventOutbox(send, streamIntervalMs);
const running = new Map<number, AbortController>();
let runtime: ModelRuntime | undefined;
let counts = 0;

/** Counts a request's prompt; some counts also measure the chars-per-token calibration. */
function count(request: EngineRequest): Promise<CountedPrompt> {
  checkEngineRequest(request);
  // Token ids in logit_bias are checked against the vocabulary before the reply starts (a 400, not a failed stream).
  tokenBiasOf(loaded().model, request.sampling.logitBias);
  counts += 1;
  return countPrompt(loaded(), request, calibrationSample(counts));
}

async function handle(message: SupervisorMessage): Promise<void> {
  switch (message.type) {
    case "load":
      try {
        runtime = await loadModelRuntime(message.spec, send);
        send({ type: "loaded", info: runtime.info });
        startHeartbeat(message.spec.stallTimeoutMs);
      } catch (error) {
        send({ type: "load-failed", error: toWorkerError(error, true) });
      }
      return;
    case "probe": {
      const llama = await openLlama(message.gpu, 1, send);
      const vram = await llama.getVramState();
      send({
        type: "probed",
        gpu: llama.gpu === false ? "cpu" : llama.gpu,
        deviceNames: await llama.getGpuDeviceNames(),
        vramTotalBytes: vram.total,
        vramUsedBytes: vram.used,
        llamaCppRelease: llama.llamaCppRelease.release,
      });
      return;
    }
    case "count":
      try {
        send({ type: "counted", id: message.id, result: (await count(message.request)).result });
      } catch (error) {
        send({ type: "count-failed", id: message.id, error: requestError(error) });
      }
      return;
    case "start":
      await start(message.id, message.request, message.stream);
      return;
    case "generate":
      await generate(message.id, message.request, message.stream, new AbortController());
      return;
    case "abort":
      running.get(message.id)?.abort();
      return;
  }
}

/** Counts, refuses what cannot run (as `count-failed`), then generates from the prompt just counted. */
async function start(id: number, request: EngineRequest, stream: boolean) {
  const controller = new AbortController();
  running.set(id, controller);
  let counted: CountedPrompt;
  try {
    counted = await count(request);
    checkPromptFits(counted.result.promptTokens, loaded().context.contextSize, promptFieldOf(request));
  } catch (error) {
    running.delete(id);
    send({ type: "count-failed", id, error: requestError(error) });
    return;
  }
  // A stream's reply starts with the count; a whole answer sends it with its events at the end.
  if (stream) send({ type: "counted", id, result: counted.result });
  await generate(id, request, stream, controller, counted);
}

async function generate(
  id: number,
  request: EngineRequest,
  stream: boolean,
  controller: AbortController,
  counted?: CountedPrompt,
) {
  running.set(id, controller);
  const emit = stream
    ? (event: GenerationEvent) => outbox.push(id, event)
    : holdUntilDone(id, counted?.result);
  const prepared: PreparedPrompt | undefined = counted?.prepared;
  try {
    checkEngineRequest(request);
    if (request.kind === "chat") {
      const prompt = prepared?.kind === "chat" ? prepared.prompt : undefined;
      await runChatGeneration(loaded(), request, emit, controller.signal, prompt, stream);
    } else {
      const tokens = prepared?.kind === "completion" ? prepared.tokens : undefined;
      const echoed = echoPrompt(loaded().model, request, emit);
      await runCompletionGeneration(loaded(), request, echoed, controller.signal, tokens, stream);
    }
  } catch (error) {
    emit({ type: "error", message: requestError(error).message });
  } finally {
    running.delete(id);
  }
}

/** A request's failure as its reply shows it; an unexpected one is logged here with its detail. */
function requestError(error: unknown) {
  if (!HelexaError.is(error)) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    send({ type: "log", level: "error", message: `worker: request failed: ${detail}` });
  }
  return toWorkerError(error);
}

/** Holds a non-streamed request's events (and its count, if it has one to report) until it ends. */
function holdUntilDone(id: number, counted: WorkerCountResult | undefined): (event: GenerationEvent) => void {
  const held = new HeldEvents((events) => {
    if (counted !== undefined) outbox.pushCounted(id, counted);
    for (const event of events) outbox.push(id, event);
  });
  return (event) => held.push(event);
}

/**
 * Heartbeats from this event loop, the one that reads messages and drives generation: a long prompt
 * evaluation (native, off this loop) lets them through, a stopped or blocked worker sends none.
 */
function startHeartbeat(stallTimeoutMs: number | undefined): void {
  setInterval(() => send({ type: "heartbeat" }), heartbeatIntervalMs(stallTimeoutMs)).unref();
}

function loaded(): ModelRuntime {
  if (runtime === undefined) throw new Error("no model loaded in this worker");
  return runtime;
}

process.on("message", (message: SupervisorMessage) => {
  handle(message).catch((error: unknown) => {
    send({ type: "log", level: "error", message: `worker: ${toWorkerError(error, true).message}` });
  });
});
// The supervisor going away (or closing the channel) ends the worker, and with it all its memory.
process.on("disconnect", () => process.exit(0));
