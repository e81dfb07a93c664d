import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface StartProcessOptions {
  /** For messages: "cortex", "nginx", … */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves the start once a line of stdout or stderr satisfies it (returns non-undefined). */
  readyLine?: (line: string) => Record<string, unknown> | undefined;
  /** How long to wait for `readyLine`. */
  timeoutMs?: number;
}

export interface StartedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** What `readyLine` matched (an empty object when there is none). */
  ready: Record<string, unknown>;
  /** The last lines the process printed, for error messages. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const keptLines = 40;

/** Parses a JSON log line with `"event":"listening"`; the readiness signal of cortex and the neuron. */
export function listeningLine(line: string): Record<string, unknown> | undefined {
  if (!line.includes('"listening"')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      (parsed as { event?: unknown }).event === "listening"
    )
      return parsed as Record<string, unknown>;
  } catch {
    // not JSON: keep waiting
  }
  return undefined;
}

/** Spawns a child process, keeps draining its output, and waits until it says it is ready. */
export function startProcess(options: StartProcessOptions): Promise<StartedProcess> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const recentOutput = () => lines.join("\n");
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, ready: Record<string, unknown> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== null) {
        void stop(500).then(() => reject(error));
        return;
      }
      resolve({ name: options.name, pid: child.pid!, child, ready, recentOutput, stop });
    };
    const onLine = (line: string) => {
      lines.push(line);
      if (lines.length > keptLines) lines.shift();
      const ready = options.readyLine?.(line);
      if (ready !== undefined) finish(null, ready);
    };
    createInterface({ input: child.stdout! }).on("line", onLine);
    createInterface({ input: child.stderr! }).on("line", onLine);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(
      () => finish(new Error(`${options.name} was not ready after ${timeoutMs} ms:\n${recentOutput()}`)),
      timeoutMs,
    );
    child.once("error", (error) => finish(new Error(`${options.name} could not start: ${error.message}`)));
    child.once("exit", (code, signal) =>
      finish(
        new Error(
          `${options.name} exited (code ${code}, signal ${signal}) before it was ready:\n${recentOutput()}`,
        ),
      ),
    );
    if (options.readyLine === undefined) child.once("spawn", () => finish(null));
  });
}
