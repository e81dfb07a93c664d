#!/usr/bin/env node
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { type CliCommand, commandUsage, cortexCommands, cortexUsage } from "./cli-commands.js";
import { ConfigError, readCortexConfigFile } from "./config/load-cortex-config.js";
import { startCortex } from "./main.js";
import { statusReport } from "./status/run-status-command.js";

/** A usage error: one line naming the problem and where the help is; exit 2. */
class UsageError extends Error {
  override readonly name = "UsageError";
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag !== undefined) return `unknown option '${flag}'`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && flag !== undefined)
    return `unexpected argument '${flag}'`;
  return message.split(". ")[0] ?? message;
}

/** Parses a subcommand's flags against its table entry; `undefined` when it printed its help. */
function parseCommand(command: CliCommand, args: string[]) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        command.options.map((option) => [
          option.name,
          {
            type: option.value === undefined ? ("boolean" as const) : ("string" as const),
            ...(option.short === undefined ? {} : { short: option.short }),
          },
        ]),
      ),
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    throw new UsageError(
      `${command.name}: ${describeParseError(error)} (see \`cortex ${command.name} --help\`)`,
    );
  }
  if (values.help === true) {
    process.stdout.write(commandUsage(command));
    return undefined;
  }
  return (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(cortexUsage());
    return 2;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? cortexCommands.find((command) => command.name === rest[0]) : undefined;
    process.stdout.write(topic === undefined ? cortexUsage() : commandUsage(topic));
    return 0;
  }
  if (first === "--version" || first === "-V") {
    process.stdout.write("cortex 0.1.0\n");
    return 0;
  }
  const command = cortexCommands.find((entry) => entry.name === first);
  if (command === undefined)
    throw new UsageError(
      `${first.startsWith("-") ? `unknown option '${first}'` : `unknown command '${first}'`} (see \`cortex --help\`)`,
    );
  const flag = parseCommand(command, rest);
  if (flag === undefined) return 0;
  if (command.name === "serve") {
    // Handlers go in before the listening line is logged: a signal sent the moment a supervisor reads
    // that line must drain, not kill the process with the default action.
    let running: Awaited<ReturnType<typeof startCortex>> | undefined;
    let signals = 0;
    const stop = (cortex: NonNullable<typeof running>) =>
      cortex.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    const shutdown = () => {
      // The second signal means "now": open streams are not waited for.
      if (++signals > 1) process.exit(1);
      if (running !== undefined) void stop(running);
    };
    process.on("SIGTERM", shutdown);
    process.on("SIGINT", shutdown);
    running = await startCortex({ configPath: flag("config") ?? "cortex.toml", env: process.env });
    if (signals > 0) void stop(running);
    return -1;
  }
  if (command.name === "status") return runStatus(flag);
  // Loaded lazily so `serve` and `status` never pay for the ledger's report code.
  const { runUsageCommand } = await import("./entitlements/usage-command.js");
  return runUsageCommand(rest, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}

/** `cortex status`: the table on stdout; each problem (cortex unreachable, a neuron down) on stderr, exit 1. */
async function runStatus(flag: (name: string) => string | undefined): Promise<number> {
  const url = flag("url") ?? process.env.CORTEX_URL ?? "http://127.0.0.1:31313";
  const endpoints = neuronEndpoints(flag("config"));
  const report = await statusReport({ url, key: flag("key") ?? process.env.CORTEX_API_KEY, endpoints });
  if (!report.ok) {
    process.stderr.write(`cortex status: ${report.error}\n`);
    return 1;
  }
  process.stdout.write(report.text);
  if (report.problems.length === 0) return 0;
  process.stderr.write(
    `cortex status: degraded: ${report.problems.length} neuron${report.problems.length === 1 ? "" : "s"} down\n${report.problems.map((problem) => `  ${problem}\n`).join("")}`,
  );
  return 1;
}

/**
 * Neuron name → endpoint from `--config` (whose errors are the caller's to fix: they propagate), else from
 * `./cortex.toml` when it exists and reads cleanly; status works without either.
 */
function neuronEndpoints(configPath: string | undefined): Record<string, string> {
  const read = (path: string) =>
    Object.fromEntries(
      readCortexConfigFile(path, process.env).neurons.map((neuron) => [neuron.name, neuron.endpoint]),
    );
  if (configPath !== undefined) return read(configPath);
  if (!existsSync("cortex.toml")) return {};
  try {
    return read("cortex.toml");
  } catch {
    return {};
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    // A usage error or a config the operator can fix (file, key, port in use) exits 2; anything else 1.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cortex: ${message}\n`);
    process.exit(error instanceof ConfigError || error instanceof UsageError ? 2 : 1);
  },
);
