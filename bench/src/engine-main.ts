// Child-process entry of the in-process engine baseline: node-llama-cpp with the neuron's settings, driven
// over the IPC channel (`fork`). Settings arrive as JSON in argv[2].
import { createLockstepBatching } from "@helexa/neuron/lockstep-batching";
import { getLlama, LlamaChat, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import {
  benchSystemPrompt,
  benchUserPrompt,
  type EngineCommand,
  type EngineGeneration,
  type EngineReply,
  type EngineSettings,
} from "./internal/engine-protocol.js";

const send = (reply: EngineReply) => process.send?.(reply);
const settings = JSON.parse(process.argv[2] ?? "{}") as EngineSettings;

// The same calls as the neuron's worker (apps/neuron/src/engine/load-model-runtime.ts).
const llama = await getLlama({
  gpu: false,
  build: "never",
  maxThreads: settings.threads,
  logLevel: LlamaLogLevel.warn,
});
const model = await llama.loadModel({ modelPath: settings.modelPath });
const context = await model.createContext({
  contextSize: settings.contextSize,
  sequences: settings.sequences,
  threads: settings.threads,
  batching: { itemPrioritizationStrategy: createLockstepBatching() },
});
const chatWrapper = resolveChatWrapper(model);
const slots = Array.from({ length: settings.sequences }, () => {
  const sequence = context.getSequence();
  return {
    sequence,
    chat: new LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false }),
  };
});

async function generate(slot: (typeof slots)[number], maxTokens: number): Promise<EngineGeneration> {
  const started = performance.now();
  const before = slot.sequence.tokenMeter.usedOutputTokens;
  const result = await slot.chat.generateResponse(
    [
      { type: "system", text: benchSystemPrompt },
      { type: "user", text: benchUserPrompt },
    ],
    { temperature: 0, repeatPenalty: false, maxTokens },
  );
  return {
    completionTokens: slot.sequence.tokenMeter.usedOutputTokens - before,
    text: result.response,
    elapsedMs: performance.now() - started,
  };
}

async function handle(command: EngineCommand): Promise<EngineReply> {
  if (command.concurrency > slots.length)
    throw new Error(`concurrency ${command.concurrency} > ${slots.length} sequences`);
  const started = performance.now();
  const generations = await Promise.all(
    slots.slice(0, command.concurrency).map((slot) => generate(slot, command.maxTokens)),
  );
  return { id: command.id, type: "batch", elapsedMs: performance.now() - started, generations };
}

process.on("message", (command: EngineCommand) => {
  handle(command).then(send, (error: unknown) =>
    send({ id: command.id, type: "error", message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on("disconnect", () => {
  void context
    .dispose()
    .then(() => model.dispose())
    .then(() => llama.dispose())
    .finally(() => process.exit(0));
});
send({ type: "ready" });
