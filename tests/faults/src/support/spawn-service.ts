import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A CLI started as a real process that logged its `"event":"listening"` line. */
export interface SpawnedService {
  name: string;
  child: ChildProcess;
  /** The parsed listening line (`url`). */
  url: string;
  /** The last stdout and stderr lines (up to 400), for failure messages. */
  output: string[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Spawns `node <cli> <args>` and resolves once it logs `"event":"listening"` on stdout; rejects with its
 * output when it exits first or `timeoutMs` passes.
 */
export function spawnService(
  name: string,
  cli: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<SpawnedService> {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > 400) output.shift();
  };
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", keep);
  const stop = async (graceMs = 20_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not log its listening line in ${timeoutMs} ms:\n${output.join("\n")}`));
    }, timeoutMs);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      keep(line);
      if (!line.includes('"event":"listening"')) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      resolve({ name, child, url, output, stop });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening:\n${output.join("\n")}`));
    });
  });
}
