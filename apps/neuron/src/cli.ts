#!/usr/bin/env node

const usage = `Usage: neuron serve --config FILE [--port N]

Commands:
  serve            start the GPU-host agent

Options:
  -c, --config     neuron.toml (default ./neuron.toml)
  -p, --port       listen port, overrides the config (0 = ephemeral)
  -h, --help       show this help
  -V, --version    print the version

Environment:
  NEURON_*         overrides config keys (__ nests: NEURON_ADMISSION__MAX_QUEUE_DEPTH=4)
  NEURON_LOG_LEVEL pino level (default info)
`;

function fail(message: string): never {
  process.stderr.write(`neuron: ${message}\n\n${usage}`);
  process.exit(2);
}

async function runCli(argv: string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h") || argv.length === 0) {
    process.stdout.write(usage);
    return;
  }
  if (argv.includes("--version") || argv.includes("-V")) {
    const { createBuildInfo } = await import("./internal/create-build-info.js");
    const info = createBuildInfo(process.env.HELEXA_BUILD_SHA);
    process.stdout.write(
      `neuron ${info.package_version} (${info.git_sha}${info.git_dirty ? "-dirty" : ""})\n`,
    );
    return;
  }
  const [command, ...rest] = argv;
  if (command !== "serve") fail(`unknown command '${command}'`);
  let configPath = "neuron.toml";
  let port: number | undefined;
  for (let index = 0; index < rest.length; index++) {
    const flag = rest[index];
    const value = rest[index + 1];
    if (flag === "--config" || flag === "-c") {
      if (value === undefined) fail(`${flag} needs a file`);
      configPath = value;
      index++;
    } else if (flag === "--port" || flag === "-p") {
      const parsed = Number(value);
      if (value === undefined || !Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
        fail(`${flag} needs a port number 0-65535`);
      port = parsed;
      index++;
    } else fail(`unknown option '${flag}'`);
  }
  // Loaded only for `serve`, so --help and errors answer without importing the server.
  const { serve } = await import("./main.js");
  const code = await serve({ configPath, ...(port === undefined ? {} : { port }) });
  if (code !== undefined) process.exit(code);
}

runCli(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `neuron: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
