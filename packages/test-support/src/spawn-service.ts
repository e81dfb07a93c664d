import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { trackChild } from "./internal/running-children.js";

/** What `spawnService` starts and how long it waits. */
export interface SpawnServiceOptions {
  /** For messages: "neuron", "cortex", "neuron-a". */
  name: string;
  /** A built CLI, run as `node <cli> <args>` (e.g. the neuron's `dist/cli.js`). */
  cli: string;
  args: readonly string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** How long to wait for the listening line; then the child is SIGKILLed and the start rejects. */
  timeoutMs: number;
}

/** The JSON log line cortex and the neuron print once they accept connections. */
export interface ListeningLine {
  /** Where it listens, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** cortex only: its Prometheus endpoint on `metrics_listen`. */
  metrics_url?: string;
}

/** A CLI started as a real process that logged its `"event":"listening"` line. */
export interface SpawnedService {
  name: string;
  child: ChildProcess;
  /** The parsed listening line. */
  listening: ListeningLine;
  /** The last stdout and stderr lines (up to 400), for failure messages. */
  output: string[];
  /** How it ended, once it has exited ("exit code 1", "signal SIGKILL"); undefined while running. */
  ended(): string | undefined;
  /**
   * SIGTERM, then SIGKILL after `graceMs` (default 20 s); resolves with the exit code (null when killed).
   * Only the child is signalled: cortex and the neuron end their own children (the neuron's model workers
   * exit when their IPC channel closes), which is what a real supervisor's stop does too.
   */
  stop(graceMs?: number): Promise<number | null>;
}

const keptLines = 400;

/**
 * Spawns `node <cli> <args>` and resolves once it logs `"event":"listening"` on stdout. Rejects, with the
 * process's last output lines, when it exits first or `timeoutMs` passes (killing it then). Every child
 * is also SIGKILLed when this process exits, and by `killLeftovers()`.
 */
export function spawnService(options: SpawnServiceOptions): Promise<SpawnedService> {
  const { name, timeoutMs } = options;
  const child = spawn(process.execPath, [options.cli, ...options.args], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child);
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > keptLines) output.shift();
  };
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
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
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", keep);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${message}:\n${output.join("\n")}`));
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(`${name} did not log its listening line in ${timeoutMs} ms`);
    }, timeoutMs);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      keep(line);
      if (settled) return;
      const listening = parseListening(line);
      if (listening === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ name, child, listening, output, ended, stop });
    });
    // `close` comes after the exit and the end of both pipes, so the message carries the last lines (a
    // crash's stack trace), which `exit` alone can beat.
    child.once("close", () => fail(`${name} exited (${ended() ?? "unknown"}) before listening`));
    child.once("error", (error) => fail(`${name} could not be started: ${error.message}`));
  });
}

function parseListening(line: string): ListeningLine | undefined {
  if (!line.includes('"event":"listening"')) return undefined;
  try {
    const parsed = JSON.parse(line) as { event?: unknown; url?: unknown };
    return parsed.event === "listening" && typeof parsed.url === "string"
      ? (parsed as ListeningLine)
      : undefined;
  } catch {
    return undefined; // not a JSON log line
  }
}
