import type { GenerationEvent } from "../ipc/generation-event.js";
import type { SupervisorMessage, WorkerMessage } from "../ipc/worker-protocol.js";
import { countPrompt } from "./count-prompt.js";
import { EventOutbox } from "./event-outbox.js";
import { HeldEvents } from "./held-events.js";
import { loadModelRuntime, type ModelRuntime, openLlama } from "./load-model-runtime.js";
import { toWorkerError } from "./request-rejection.js";
import { runChatGeneration } from "./run-chat-generation.js";
import { runCompletionGeneration } from "./run-completion-generation.js";

/**
 * Entry of a model worker process (forked by the supervisor with an IPC channel). It holds one model
 * and answers `load`, `count`, `generate` and `abort`; a native crash here ends only this process.
 */
function send(message: WorkerMessage): void {
  process.send?.(message);
}

const outbox = new EventOutbox(send);
const running = new Map<number, AbortController>();
let runtime: ModelRuntime | undefined;

async function handle(message: SupervisorMessage): Promise<void> {
  switch (message.type) {
    case "load":
      try {
        runtime = await loadModelRuntime(message.spec, send);
        send({ type: "loaded", info: runtime.info });
      } catch (error) {
        send({ type: "load-failed", error: toWorkerError(error) });
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
        send({ type: "counted", id: message.id, result: await countPrompt(loaded(), message.request) });
      } catch (error) {
        send({ type: "count-failed", id: message.id, error: toWorkerError(error) });
      }
      return;
    case "generate":
      await generate(message.id, message.request, message.stream);
      return;
    case "abort":
      running.get(message.id)?.abort();
      return;
  }
}

type GenerateMessage = Extract<SupervisorMessage, { type: "generate" }>;

async function generate(id: number, request: GenerateMessage["request"], stream: boolean) {
  const controller = new AbortController();
  running.set(id, controller);
  const emit = stream ? (event: GenerationEvent) => outbox.push(id, event) : holdUntilDone(id);
  try {
    if (request.kind === "chat") await runChatGeneration(loaded(), request, emit, controller.signal);
    else await runCompletionGeneration(loaded(), request, emit, controller.signal);
  } catch (error) {
    emit({ type: "error", message: toWorkerError(error).message });
  } finally {
    running.delete(id);
  }
}

function holdUntilDone(id: number): (event: GenerationEvent) => void {
  const held = new HeldEvents((events) => {
    for (const event of events) outbox.push(id, event);
  });
  return (event) => held.push(event);
}

function loaded(): ModelRuntime {
  if (runtime === undefined) throw new Error("no model loaded in this worker");
  return runtime;
}

process.on("message", (message: SupervisorMessage) => {
  handle(message).catch((error: unknown) => {
    send({ type: "log", level: "error", message: `worker: ${toWorkerError(error).message}` });
  });
});
// The supervisor going away (or closing the channel) ends the worker, and with it all its memory.
process.on("disconnect", () => process.exit(0));
