import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism, hostname } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { type NeuronJoinConfig, neuronJoinConfigSchema } from "@helexa/core";
import { pino } from "pino";
import { parseNeuronConfigText } from "./config/parse-neuron-config-text.js";
import { resolveNeuronConfig } from "./config/resolve-neuron-config.js";
import type { ResolvedNeuronConfig } from "./config/resolved-neuron-config.js";
import { createBuildInfo } from "./internal/create-build-info.js";
import { createStdoutDestination } from "./internal/create-stdout-destination.js";
import { createJoinHeartbeat, type JoinHeartbeat } from "./join/create-join-heartbeat.js";
import { resolveJoinSettings } from "./join/resolve-join-settings.js";
import { type RunningNeuron, startNeuron } from "./start-neuron.js";
import { WorkerBackend } from "./supervisor/worker-backend.js";

export interface ServeArguments {
  configPath: string;
  port?: number;
  /** `--join URL` / `--join-token SECRET`: override `[join] url` / `token` of neuron.toml. */
  join?: { url?: string; token?: string };
}

/**
 * `neuron serve`: the only place that reads the config file and the environment. Logs one
 * `{"event":"listening","url":…}` line when ready; SIGTERM/SIGINT drain and exit 0, a second signal
 * ends the workers and exits at once. Resolves with the process exit code for configuration errors, a
 * preloaded model whose file is missing and a port that cannot be bound (2, one line on stderr) so the
 * CLI can exit with it.
 */
export async function serve(args: ServeArguments): Promise<number | undefined> {
  const configPath = resolve(args.configPath);
  let text: string;
  try {
    text = await readFile(configPath, "utf8");
  } catch (error) {
    process.stderr.write(`neuron: cannot read config ${configPath}: ${(error as Error).message}\n`);
    return 2;
  }
  const parsed = parseNeuronConfigText(text, basename(configPath), process.env);
  if (!parsed.ok) {
    process.stderr.write(`neuron: ${parsed.error}\n`);
    return 2;
  }
  const joinConfig = mergeJoinArguments(parsed.config.join, args.join);
  if (!joinConfig.ok) {
    process.stderr.write(`neuron: ${joinConfig.error}\n`);
    return 2;
  }
  const config = resolveNeuronConfig(
    { ...parsed.config, ...(joinConfig.join === undefined ? {} : { join: joinConfig.join }) },
    dirname(configPath),
    availableParallelism(),
  );
  const join =
    joinConfig.join === undefined
      ? undefined
      : resolveJoinSettings(joinConfig.join, { host: config.host, authToken: config.auth_token }, hostname());
  if (join?.ok === false) {
    process.stderr.write(`neuron: ${join.error}\n`);
    return 2;
  }
  const missing = missingModelFiles(config);
  const preloadMissing = missing.find((model) => model.preload);
  if (preloadMissing !== undefined) {
    process.stderr.write(
      `neuron: model '${preloadMissing.id}' (preload = true in ${basename(configPath)}): file not found: ${preloadMissing.path}\n`,
    );
    return 2;
  }
  const logger = pino(
    { level: process.env.NEURON_LOG_LEVEL ?? "info", base: { service: "neuron" } },
    createStdoutDestination(),
  );
  for (const model of missing)
    logger.warn(
      { model: model.id, path: model.path },
      "model file not found; loading it will fail until it exists",
    );
  // Handlers go in before the listening line is logged: a signal sent the moment a supervisor reads that
  // line must drain, not kill the process with the default action.
  let neuron: RunningNeuron | undefined;
  let heartbeat: JoinHeartbeat | undefined;
  let stopping = false;
  // Leaving first: cortex stops routing here before the drain refuses new work.
  const drain = (running: RunningNeuron) =>
    (heartbeat?.stop() ?? Promise.resolve())
      .then(() => running.close())
      .then(
        () => {
          logger.info({ event: "stopped" }, "neuron stopped");
          logger.flush();
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, "drain failed");
          logger.flush();
          process.exit(1);
        },
      );
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the operator does not want to wait for the drain.
      logger.warn({ event: "forced_exit", signal }, "second signal: exiting without draining");
      for (const entry of neuron?.registry.entries() ?? [])
        if (entry.backend instanceof WorkerBackend) killQuietly(entry.backend.pid);
      process.exit(1);
    }
    stopping = true;
    logger.info({ event: "draining", signal }, "draining before exit");
    if (neuron !== undefined) void drain(neuron);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  try {
    neuron = await startNeuron({
      config,
      logger,
      ...(args.port === undefined ? {} : { port: args.port }),
      buildInfo: createBuildInfo(process.env.HELEXA_BUILD_SHA),
      workerExecArgv: workerExecArgv(process.env.NEURON_WORKER_EXEC_ARGV),
    });
  } catch (error) {
    const reason = listenFailure(error);
    if (reason === undefined) throw error;
    process.stderr.write(`neuron: cannot listen on ${config.host}:${args.port ?? config.port}: ${reason}\n`);
    return 2;
  }
  logger.info(
    { event: "listening", url: neuron.url, threads: config.threads, gpu: config.gpu },
    "neuron listening",
  );
  if (join?.ok === true && !stopping) {
    heartbeat = createJoinHeartbeat({
      cortexUrl: join.settings.cortexUrl,
      token: join.settings.token,
      name: join.settings.name,
      advertiseUrl: join.settings.advertiseUrl ?? neuron.url,
      authToken: config.auth_token ?? null,
      intervalMs: join.settings.heartbeatIntervalMs,
      fetch: globalThis.fetch,
      logger,
    });
    void heartbeat.start();
  }
  if (stopping) void drain(neuron);
  return undefined;
}

/** `[[models]]` entries whose local file does not exist (URIs are downloaded when loaded). */
function missingModelFiles(config: ResolvedNeuronConfig): { id: string; path: string; preload: boolean }[] {
  return config.models.flatMap((model) =>
    model.path === undefined || existsSync(model.path)
      ? []
      : [{ id: model.id, path: model.path, preload: model.preload }],
  );
}

/** Why the listener could not bind, for the errors an operator can fix; undefined for anything else. */
function listenFailure(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") return "address already in use (another neuron? set port or --port)";
  if (code === "EACCES") return "permission denied (ports below 1024 need privileges)";
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return "address not available on this host (check host)";
  return undefined;
}

function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** `NEURON_WORKER_EXEC_ARGV`: space-separated Node flags for model workers (profiling: `--cpu-prof`). */
function workerExecArgv(value: string | undefined): string[] {
  return (value ?? "").split(" ").filter((flag) => flag !== "");
}

/** `[join]` with `--join` / `--join-token` applied over it, checked as a whole: url and token must be set. */
function mergeJoinArguments(
  fromFile: NeuronJoinConfig | undefined,
  fromArguments: ServeArguments["join"],
): { ok: true; join: CompleteJoinConfig | undefined } | { ok: false; error: string } {
  if (fromFile === undefined && fromArguments?.url === undefined && fromArguments?.token === undefined)
    return { ok: true, join: undefined };
  const merged = neuronJoinConfigSchema
    .required({ url: true, token: true })
    .safeParse({ ...fromFile, ...fromArguments });
  if (merged.success) return { ok: true, join: merged.data };
  const field = merged.error.issues[0]?.path[0];
  if (field === "token")
    return {
      ok: false,
      error: "--join needs --join-token (or [join] token in neuron.toml, or NEURON_JOIN__TOKEN)",
    };
  if (field === "url")
    return {
      ok: false,
      error: "--join needs a cortex URL such as http://cortex:8080 (or [join] url in neuron.toml)",
    };
  return { ok: false, error: `[join]: ${merged.error.issues[0]?.message ?? "invalid"}` };
}

type CompleteJoinConfig = NeuronJoinConfig & { url: string; token: string };
