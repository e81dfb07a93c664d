import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A CLI started as a real process that logged its `"event":"listening"` line. */
export interface SpawnedService {
  name: string;
  child: ChildProcess;
  /** The parsed listening line (`url`, and for cortex `metrics_url`). */
  listening: { url: string; metrics_url?: string };
  /** The last stdout and stderr lines (up to 400), for failure messages. */
  output: string[];
  /** How it ended, when it has exited ("exit code 1", "signal SIGKILL"); undefined while running. */
  ended(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Every child still running, so `killLeftovers` (afterAll, process exit) can end them. */
const running = new Set<ChildProcess>();

process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** SIGKILLs every service child this process started that has not exited yet. */
export function killLeftovers(): void {
  for (const child of running) child.kill("SIGKILL");
}

/**
 * Spawns `node <cli> <args>` and resolves once it logs `"event":"listening"` on stdout. Rejects with the
 * process output when it exits first or `timeoutMs` passes.
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
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", keep);
  const ended = () =>
    child.exitCode !== null
      ? `exit code ${child.exitCode}`
      : child.signalCode !== null
        ? `signal ${child.signalCode}`
        : undefined;
  const stop = async (graceMs = 20_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
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
      const listening = JSON.parse(line) as SpawnedService["listening"];
      resolve({ name, child, listening, output, ended, stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${output.join("\n")}`));
    });
  });
}
