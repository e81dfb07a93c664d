import { fork } from "node:child_process";
import type { WorkerLoadSpec, WorkerMessage } from "../ipc/worker-protocol.js";

export interface BackendProbe {
  gpu: string;
  deviceNames: string[];
  vramTotalBytes: number;
  llamaCppRelease: string;
}

/**
 * Asks a short-lived worker which llama.cpp backend this host actually gets for `gpu` (the supervisor
 * never loads native code itself). Resolves null when the probe fails or times out.
 */
export function probeBackend(
  entry: string,
  gpu: WorkerLoadSpec["gpu"],
  timeoutMs = 60_000,
): Promise<BackendProbe | null> {
  return new Promise((resolve) => {
    const child = fork(entry, [], {
      serialization: "json",
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      execArgv: [],
    });
    const timer = setTimeout(() => finish(null), timeoutMs);
    const finish = (result: BackendProbe | null) => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.kill("SIGKILL");
      resolve(result);
    };
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "probed") finish(message);
    });
    child.on("exit", () => finish(null));
    child.on("error", () => finish(null));
    child.send({ type: "probe", gpu });
  });
}
