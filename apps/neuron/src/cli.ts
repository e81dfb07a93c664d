#!/usr/bin/env node
import { parseArgs } from "node:util";
import { type CliCommand, commandUsage, neuronCommands, neuronUsage } from "./cli-commands.js";

/** A usage error: one line naming the problem and where the help is, exit 2. */
function fail(message: string, helpCommand: string): never {
  process.stderr.write(`neuron: ${message} (see \`${helpCommand} --help\`)\n`);
  process.exit(2);
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag !== undefined) return `unknown option '${flag}'`;
  return message.split(". ")[0] ?? message;
}

/** Parses a subcommand's arguments against its table entry; unknown flags and missing values exit 2. */
function parseCommand(command: CliCommand, args: string[]) {
  const usage = commandUsage(command);
  const helpCommand = `neuron ${command.name}`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        command.options.map((option) => [
          option.name,
          {
            type: option.value === undefined ? ("boolean" as const) : ("string" as const),
            ...(option.short === undefined ? {} : { short: option.short }),
          },
        ]),
      ),
    });
  } catch (error) {
    fail(`${command.name}: ${describeParseError(error)}`, helpCommand);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const positionals = parsed.positionals;
  if (positionals.length < command.positionals.length)
    fail(`${command.name}: missing <${command.positionals[positionals.length]}>`, helpCommand);
  if (positionals.length > command.positionals.length)
    fail(`${command.name}: unexpected argument '${positionals[command.positionals.length]}'`, helpCommand);
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  return { text, positionals };
}

async function runCli(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    // No command is a usage error, as in cortex: the help goes to stderr.
    process.stderr.write(neuronUsage());
    return 2;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? neuronCommands.find((command) => command.name === rest[0]) : undefined;
    process.stdout.write(topic === undefined ? neuronUsage() : commandUsage(topic));
    return 0;
  }
  if (first === "--version" || first === "-V") {
    const { createBuildInfo } = await import("./internal/create-build-info.js");
    const info = createBuildInfo(process.env.HELEXA_BUILD_SHA);
    process.stdout.write(
      `neuron ${info.package_version} (${info.git_sha}${info.git_dirty ? "-dirty" : ""})\n`,
    );
    return 0;
  }
  const command = neuronCommands.find((entry) => entry.name === first);
  if (command === undefined)
    fail(first.startsWith("-") ? `unknown option '${first}'` : `unknown command '${first}'`, "neuron");
  const { text, positionals } = parseCommand(command, rest);
  const io = {
    cwd: process.cwd(),
    env: process.env,
    fetch: globalThis.fetch,
    stdout: (chunk: string) => process.stdout.write(chunk),
    stderr: (chunk: string) => process.stderr.write(chunk),
  };
  const configPath = text("config");
  if (command.name === "pull") {
    const { runPullCommand } = await import("./pull/run-pull-command.js");
    return runPullCommand({
      ...io,
      uri: positionals[0] ?? "",
      ...(configPath === undefined ? {} : { configPath }),
      isTTY: process.stderr.isTTY === true,
    });
  }
  if (command.name === "models") {
    const { runModelsCommand } = await import("./pull/run-models-command.js");
    return runModelsCommand({ ...io, ...(configPath === undefined ? {} : { configPath }) });
  }
  const portText = text("port");
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535 || portText?.trim() === ""))
    fail("serve: --port needs a port number 0-65535", "neuron serve");
  // Loaded only for `serve`, so --help and errors answer without importing the server.
  const { serve } = await import("./main.js");
  const joinUrl = text("join");
  const joinToken = text("join-token");
  const code = await serve({
    configPath: configPath ?? "neuron.toml",
    ...(port === undefined ? {} : { port }),
    ...(joinUrl === undefined && joinToken === undefined
      ? {}
      : {
          join: {
            ...(joinUrl === undefined ? {} : { url: joinUrl }),
            ...(joinToken === undefined ? {} : { token: joinToken }),
          },
        }),
  });
  if (code !== undefined) process.exit(code);
  return undefined;
}

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `neuron: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
