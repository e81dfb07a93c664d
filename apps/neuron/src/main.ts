import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, resolve } from "node:path";
import { pino } from "pino";
import { parseNeuronConfigText } from "./config/parse-neuron-config-text.js";
import { resolveNeuronConfig } from "./config/resolve-neuron-config.js";
import { createBuildInfo } from "./internal/create-build-info.js";
import { startNeuron } from "./start-neuron.js";

export interface ServeArguments {
  configPath: string;
  port?: number;
}

/**
 * `neuron serve`: the only place that reads the config file and the environment. Logs one
 * `{"event":"listening","url":…}` line when ready; SIGTERM/SIGINT drain and exit 0. Resolves with the
 * process exit code for configuration errors (2) so the CLI can exit with it.
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
  const config = resolveNeuronConfig(parsed.config, dirname(configPath), availableParallelism());
  const logger = pino({ level: process.env.NEURON_LOG_LEVEL ?? "info", base: { service: "neuron" } });
  const neuron = await startNeuron({
    config,
    logger,
    ...(args.port === undefined ? {} : { port: args.port }),
    buildInfo: createBuildInfo(process.env.HELEXA_BUILD_SHA),
    workerExecArgv: workerExecArgv(process.env.NEURON_WORKER_EXEC_ARGV),
  });
  logger.info(
    { event: "listening", url: neuron.url, threads: config.threads, gpu: config.gpu },
    "neuron listening",
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: "draining", signal }, "draining before exit");
    neuron.close().then(
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
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  return undefined;
}

/** `NEURON_WORKER_EXEC_ARGV`: space-separated Node flags for model workers (profiling: `--cpu-prof`). */
function workerExecArgv(value: string | undefined): string[] {
  return (value ?? "").split(" ").filter((flag) => flag !== "");
}
