import { summarizePrefixBlocks } from "@helexa/core/summarize-prefix-blocks";
import {
  type ChatWrapper,
  getLlama,
  type Llama,
  type LlamaContext,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
} from "node-llama-cpp";
import type { WorkerLoadSpec, WorkerMessage, WorkerModelInfo } from "../ipc/worker-protocol.js";
import { acquireModelFile } from "./acquire-model-file.js";
import { GrammarCache } from "./grammar-cache.js";
import { HostStateCache } from "./host-state-cache.js";
import { isolateSamplingFailures } from "./isolate-sampling-failures.js";
import { createLockstepBatching } from "./lockstep-batching.js";
import { SequencePool } from "./sequence-pool.js";

/** Everything a worker holds for its one model; `dispose()` frees it in reverse order of creation. */
export interface ModelRuntime {
  spec: WorkerLoadSpec;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  pool: SequencePool;
  grammars: GrammarCache;
  info: WorkerModelInfo;
  dispose(): Promise<void>;
}

type Report = (message: WorkerMessage) => void;

/** Opens llama.cpp with the configured backend and threads (never building from source). */
export function openLlama(gpu: WorkerLoadSpec["gpu"], threads: number, report: Report): Promise<Llama> {
  return getLlama({
    gpu: gpu === "cpu" ? false : gpu,
    build: "never",
    maxThreads: threads,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const text = message.trim();
      if (text === "") return;
      const mapped = level === LlamaLogLevel.error || level === LlamaLogLevel.fatal ? "error" : "warn";
      report({ type: "log", level: mapped, message: text });
    },
  });
}

/** Downloads (when a URI), loads the model, creates one context with `sequences` sequences, resolves the chat wrapper once. */
export async function loadModelRuntime(spec: WorkerLoadSpec, report: Report): Promise<ModelRuntime> {
  const modelPath = await acquireModelFile(spec.source, (progress) =>
    report({ type: "progress", phase: "downloading", ...progress }),
  );
  const llama = await openLlama(spec.gpu, spec.threads, report);
  report({ type: "progress", phase: "loading", fraction: 0 });
  const model = await llama.loadModel({
    modelPath,
    gpuLayers: spec.gpuLayers,
    onLoadProgress: (fraction) => report({ type: "progress", phase: "loading", fraction }),
  });
  const contextSize = spec.contextSize ?? Math.min(model.trainContextSize, 8192);
  const context = await model.createContext({
    contextSize,
    sequences: spec.sequences,
    threads: spec.threads,
    // Requests arrive one by one; keep their sequences in one decode batch per token.
    batching: { itemPrioritizationStrategy: createLockstepBatching() },
  });
  isolateSamplingFailures(context, (error) =>
    report({
      type: "log",
      level: "error",
      message: `worker: sampling failed, that request ends: ${error instanceof Error ? error.message : String(error)}`,
    }),
  );
  // Synchronous and slow (~0.5 s): once per model, never per request.
  const chatWrapper = resolveChatWrapper(model);
  const hostBytes = spec.hostStateBytes ?? 0;
  const hostStates = hostBytes > 0 ? new HostStateCache(hostBytes) : undefined;
  // A worker ends by process.exit when its supervisor goes (no dispose then): its kept states go with it.
  const disposeHostStates = () => hostStates?.dispose();
  if (hostStates !== undefined) process.once("exit", disposeHostStates);
  const pool = new SequencePool(context, chatWrapper, {
    hostStates,
    onHeld: (held) => report({ type: "prefix-cache", sequences: held.map(summarizePrefixBlocks) }),
    onError: (error) =>
      report({
        type: "log",
        level: "warn",
        message: `worker: a kept sequence state could not be saved or restored, the prompt is recomputed: ${error instanceof Error ? error.message : String(error)}`,
      }),
  });
  const vram = llama.gpu === false ? undefined : await llama.getVramState();
  const info: WorkerModelInfo = {
    contextSize: context.contextSize,
    sequences: context.totalSequences,
    trainContextSize: model.trainContextSize,
    gpu: llama.gpu === false ? "cpu" : llama.gpu,
    chatWrapper: chatWrapper.wrapperName,
    toolCall: true,
    reasoning: chatWrapper.settings.segments?.thought != null,
    ...(vram === undefined ? {} : { vramUsedBytes: vram.used }),
  };
  return {
    spec,
    llama,
    model,
    context,
    chatWrapper,
    pool,
    grammars: new GrammarCache(llama),
    info,
    async dispose() {
      process.off("exit", disposeHostStates);
      disposeHostStates();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
