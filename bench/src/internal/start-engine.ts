import { fork } from "node:child_process";
import { join } from "node:path";
import type { EngineCommand, EngineGeneration, EngineReply, EngineSettings } from "./engine-protocol.js";

export interface EngineBaseline {
  pid: number;
  /** `concurrency` generations at once on separate sequences; wall time of the whole batch. */
  batch(
    concurrency: number,
    maxTokens: number,
  ): Promise<{ elapsedMs: number; generations: EngineGeneration[] }>;
  stop(): Promise<void>;
}

/** Forks `engine-main.js` (node-llama-cpp in its own process, no HTTP) and waits until the model is loaded. */
export async function startEngine(
  root: string,
  settings: EngineSettings,
  timeoutMs = 120_000,
): Promise<EngineBaseline> {
  const child = fork(join(root, "bench", "dist", "engine-main.js"), [JSON.stringify(settings)], {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (part: Buffer) => {
    stderr = `${stderr}${part.toString("utf8")}`.slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pending = new Map<
    number,
    { resolve: (reply: EngineReply) => void; reject: (error: Error) => void }
  >();
  let nextId = 1;
  child.on("message", (reply: EngineReply) => {
    if (reply.type === "ready" || reply.id === undefined) return;
    pending.get(reply.id)?.resolve(reply);
    pending.delete(reply.id);
  });
  child.once("exit", (code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`engine exited (code ${code}): ${stderr}`));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`engine not ready after ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.on("message", (reply: EngineReply) => {
      if (reply.type === "ready") {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`engine exited (code ${code}) while loading: ${stderr}`));
    });
  });
  const call = (command: Omit<EngineCommand, "id">): Promise<EngineReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...command, id } satisfies EngineCommand);
    });
  return {
    pid: child.pid!,
    async batch(concurrency, maxTokens) {
      const reply = await call({ type: "batch", concurrency, maxTokens });
      if (reply.type === "error") throw new Error(`engine: ${reply.message}`);
      if (reply.type !== "batch") throw new Error(`engine answered ${reply.type} to a batch`);
      return { elapsedMs: reply.elapsedMs, generations: reply.generations };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
