#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ConfigError } from "./config/load-cortex-config.js";
import { startCortex } from "./main.js";
import { runStatusCommand } from "./status/run-status-command.js";

const HELP = `cortex — the helexa fleet gateway

Usage:
  cortex serve --config FILE          run the gateway (CORTEX_* env vars override the file, __ nests)
  cortex status [--url URL] [--key KEY]
                                      nodes, health, loaded models, load per replica, free VRAM
  cortex usage --config FILE          per-key and per-model usage from the ledger
  cortex --help | --version

Defaults: --config cortex.toml, --url $CORTEX_URL or http://127.0.0.1:31313, --key $CORTEX_API_KEY.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP);
    return command === undefined ? 1 : 0;
  }
  if (command === "--version" || command === "-V") {
    process.stdout.write("cortex 0.1.0\n");
    return 0;
  }
  if (command === "serve") {
    const { values } = parseArgs({ args: rest, options: { config: { type: "string", short: "c" } } });
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
    running = await startCortex({ configPath: values.config ?? "cortex.toml", env: process.env });
    if (signals > 0) void stop(running);
    return -1;
  }
  if (command === "status") {
    const { values } = parseArgs({
      args: rest,
      options: { url: { type: "string", short: "u" }, key: { type: "string", short: "k" } },
    });
    const url = values.url ?? process.env.CORTEX_URL ?? "http://127.0.0.1:31313";
    process.stdout.write(await runStatusCommand({ url, key: values.key ?? process.env.CORTEX_API_KEY }));
    return 0;
  }
  if (command === "usage") {
    // Loaded lazily so `serve` and `status` never pay for the ledger's report code.
    const { runUsageCommand } = await import("./entitlements/usage-command.js");
    return runUsageCommand(rest, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
    });
  }
  process.stderr.write(`cortex: unknown command '${command}'\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    // A config the operator can fix (file, key, port in use) exits 2 like a usage error; anything else 1.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cortex: ${message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
