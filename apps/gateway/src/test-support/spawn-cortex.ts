import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** `dist/cli.js` of this package (tests that spawn it need `pnpm build` first; turbo's test task does it). */
export const CORTEX_CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export interface SpawnedCortex {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  /** Every stdout line so far. */
  lines: string[];
  /** SIGTERM and wait for the exit code and the end of its output. */
  stop(): Promise<number | null>;
}

/** Starts `cortex serve --config FILE` and resolves on its `"event":"listening"` line. */
export function spawnCortex(configPath: string, env: Record<string, string> = {}): Promise<SpawnedCortex> {
  const child = spawn(process.execPath, [CORTEX_CLI, "serve", "--config", configPath], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // `close`, not `exit`: a child's pipes may still hold its last lines when `exit` fires (its "stopped" line,
  // its reason for failing), and `lines` must have them once `stop()` resolves.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (!line.includes('"event":"listening"')) return;
      const parsed = JSON.parse(line) as { url: string; metrics_url: string };
      resolve({
        child,
        url: parsed.url,
        metricsUrl: parsed.metrics_url,
        lines,
        stop: () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`cortex exited (${code}) before listening: ${stderr}`)));
  });
}
