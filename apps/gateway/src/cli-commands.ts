/** One flag of a `cortex` subcommand; `value` names its argument (absent for a switch). */
export interface CliOption {
  name: string;
  short?: string;
  value?: string;
  description: string;
}

/** A `cortex` subcommand: what `--help` prints and what the parser accepts, from one table. */
export interface CliCommand {
  name: string;
  synopsis: string;
  summary: string;
  options: CliOption[];
  details?: string;
}

const helpOption: CliOption = { name: "help", short: "h", description: "show this help" };

export const cortexCommands: CliCommand[] = [
  {
    name: "serve",
    synopsis: "cortex serve --config FILE",
    summary: "run the gateway",
    options: [
      { name: "config", short: "c", value: "FILE", description: "cortex.toml (default ./cortex.toml)" },
      helpOption,
    ],
    details:
      "CORTEX_* variables override the file (__ nests: CORTEX_GATEWAY__LISTEN=0.0.0.0:31313).\nCORTEX_LOG_LEVEL sets the pino level (default info).",
  },
  {
    name: "status",
    synopsis: "cortex status [--url URL] [--key KEY] [--config FILE]",
    summary: "nodes, health, loaded models, load per replica, free VRAM; exits 1 when a neuron is down",
    options: [
      {
        name: "url",
        short: "u",
        value: "URL",
        description: "cortex's API (default $CORTEX_URL or http://127.0.0.1:31313)",
      },
      {
        name: "key",
        short: "k",
        value: "KEY",
        description: "an API key, when cortex requires one (default $CORTEX_API_KEY)",
      },
      {
        name: "config",
        short: "c",
        value: "FILE",
        description: "cortex.toml, to name a down neuron's endpoint (default ./cortex.toml when it exists)",
      },
      helpOption,
    ],
    details:
      "Exit codes: 0 every neuron healthy; 1 cortex unreachable or a neuron down (each named on stderr with its URL);\n2 bad arguments.",
  },
  {
    name: "usage",
    synopsis: "cortex usage [--config FILE] [--ledger PATH|URL] [--since WHEN] [--json]",
    summary: "per-key and per-model usage from the ledger (read-only, safe while cortex runs)",
    options: [
      {
        name: "config",
        short: "c",
        value: "FILE",
        description: "cortex.toml (default ./cortex.toml); gives the ledger and each key's budget",
      },
      {
        name: "ledger",
        value: "PATH|URL",
        description: "read this ledger instead of the config's: an SQLite file or a postgres:// URL",
      },
      {
        name: "since",
        value: "WHEN",
        description: "only rows since a duration ago (24h, 7d, 90m) or an ISO date",
      },
      { name: "json", description: "print JSON instead of tables" },
      helpOption,
    ],
    details:
      "Reads the SQLite file ([ledger] path) or the shared PostgreSQL ([ledger] url) the config names; never\n" +
      "creates, migrates or writes one. A URL's password is never printed; CORTEX_LEDGER__URL=postgres://...\n" +
      "overrides [ledger] url and keeps the password off the command line.",
  },
];

function formatOptions(options: CliOption[]): string {
  const rows = options.map((option) => [
    `${option.short === undefined ? "    " : `-${option.short}, `}--${option.name}${option.value === undefined ? "" : ` ${option.value}`}`,
    option.description,
  ]);
  const width = Math.max(...rows.map(([left]) => (left ?? "").length));
  return rows.map(([left, right]) => `  ${(left ?? "").padEnd(width)}  ${right}`).join("\n");
}

/** `cortex --help`: every command. */
export function cortexUsage(): string {
  const width = Math.max(...cortexCommands.map((command) => command.name.length));
  return `cortex — the helexa fleet gateway

Usage:
${cortexCommands.map((command) => `  ${command.synopsis}`).join("\n")}
  cortex --help | --version

Commands:
${cortexCommands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join("\n")}

Run \`cortex <command> --help\` for a command's options.
`;
}

/** `cortex <command> --help`. */
export function commandUsage(command: CliCommand): string {
  return `Usage: ${command.synopsis}

${command.summary}

Options:
${formatOptions(command.options)}
${command.details === undefined ? "" : `\n${command.details}\n`}`;
}
