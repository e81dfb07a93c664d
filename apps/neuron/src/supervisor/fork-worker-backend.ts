import { type ChildProcess, fork } from "node:child_process";
import { access, constants, open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { invalidRequest } from "@helexa/core";
import type { Logger } from "pino";
import { removeOrphanedHostStates } from "../ipc/host-states-directory.js";
import type {
  SupervisorMessage,
  WorkerLoadSpec,
  WorkerMessage,
  WorkerModelInfo,
} from "../ipc/worker-protocol.js";
import type { BackendFactory, LoadProgressUpdate, ModelBackend } from "./model-backend.js";
import { WorkerBackend } from "./worker-backend.js";

export interface ForkWorkerOptions {
  /** Built `worker-main.js`. */
  entry: string;
  logger: Logger;
  /** Node flags for the worker process (e.g. `--cpu-prof`); default none. */
  execArgv?: readonly string[];
}

/** A `BackendFactory` that runs each model in its own forked worker process. */
export function createForkWorkerFactory(options: ForkWorkerOptions): BackendFactory {
  const removed = removeOrphanedHostStates();
  if (removed > 0) options.logger.info({ removed }, "removed kept KV states left by workers that are gone");
  return (spec, onProgress) => startWorker(spec, onProgress, options);
}

async function startWorker(
  spec: WorkerLoadSpec,
  onProgress: (progress: LoadProgressUpdate) => void,
  options: ForkWorkerOptions,
): Promise<ModelBackend> {
  const logger = options.logger.child({ model: spec.modelId });
  if (spec.source.kind === "path") {
    const path = spec.source.path;
    // Fail in milliseconds, not after a worker has started llama.cpp.
    await access(path, constants.R_OK).catch(() => {
      throw loadFailed(spec.modelId, `model file not found or not readable: ${path}`);
    });
    // llama.cpp's own complaint quotes the file's first bytes; say what is wrong without them.
    if (!(await hasGgufMagic(path))) throw loadFailed(spec.modelId, `not a GGUF model file: ${path}`);
  }
  const child = fork(options.entry, [], {
    // JSON beats "advanced" (v8 serializer) for these small messages: ~7 vs ~35 µs of worker CPU each.
    serialization: "json",
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    execArgv: [...(options.execArgv ?? [])],
    env: { ...process.env, ...cudaDevicesEnv(spec) },
  });
  const recentOutput = forwardOutput(child, logger);
  const info = await new Promise<WorkerModelInfo>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type === "progress") onProgress(message);
      else if (message.type === "log") logger[message.level](message.message);
      else if (message.type === "loaded") finish(() => resolve(message.info));
      else if (message.type === "load-failed") {
        finish(() => reject(loadFailed(spec.modelId, message.error.message)));
        child.kill("SIGKILL");
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(() => {
        const tail = recentOutput.join(" | ");
        reject(
          loadFailed(
            spec.modelId,
            `worker exited during load (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ""}`,
          ),
        );
      });
    const finish = (settle: () => void) => {
      child.off("message", onMessage);
      child.off("exit", onExit);
      settle();
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
    child.send({ type: "load", spec } satisfies SupervisorMessage);
  });
  return new WorkerBackend(child, info, logger, {
    ...(spec.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: spec.stallTimeoutMs }),
  });
}

async function hasGgufMagic(path: string): Promise<boolean> {
  try {
    const file = await open(path, "r");
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await file.read(head, 0, 4, 0);
      return bytesRead === 4 && head.toString("latin1") === "GGUF";
    } finally {
      await file.close();
    }
  } catch {
    return false; // a folder, or unreadable after all
  }
}

function cudaDevicesEnv(spec: WorkerLoadSpec): Record<string, string> {
  return spec.devices === undefined ? {} : { CUDA_VISIBLE_DEVICES: spec.devices.join(",") };
}

function loadFailed(modelId: string, reason: string) {
  return invalidRequest(`failed to load model '${modelId}': ${reason}`, "model_id", "model_load_failed");
}

/** Logs the worker's own output at debug level; returns the last few lines (for load failures). */
function forwardOutput(child: ChildProcess, logger: Logger): string[] {
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on("line", (line) => {
      if (line.trim() === "") return;
      logger.debug({ worker_output: line });
      recent.push(line.trim());
      if (recent.length > 3) recent.shift();
    });
  }
  return recent;
}
