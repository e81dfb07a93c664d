/** One flag of a `neuron` subcommand; `value` names its argument (absent for a switch). */
export interface CliOption {
  name: string;
  short?: string;
  value?: string;
  description: string;
}

/** A `neuron` subcommand: what `--help` prints and what the parser accepts, from one table. */
export interface CliCommand {
  name: string;
  synopsis: string;
  summary: string;
  /** Positional arguments, in order; all required. */
  positionals: string[];
  options: CliOption[];
  details?: string;
}

const configOption: CliOption = {
  name: "config",
  short: "c",
  value: "FILE",
  description: "neuron.toml (default ./neuron.toml)",
};
const helpOption: CliOption = { name: "help", short: "h", description: "show this help" };

export const neuronCommands: CliCommand[] = [
  {
    name: "serve",
    synopsis: "neuron serve --config FILE [--port N] [--join URL --join-token SECRET]",
    summary: "start the GPU-host agent",
    positionals: [],
    options: [
      configOption,
      {
        name: "port",
        short: "p",
        value: "N",
        description: "listen port, overrides the config (0 = ephemeral)",
      },
      {
        name: "join",
        value: "URL",
        description: "register with this cortex and keep the registration alive ([join] url)",
      },
      {
        name: "join-token",
        value: "SECRET",
        description: "cortex's [join] token ([join] token; NEURON_JOIN__TOKEN keeps it out of ps)",
      },
      helpOption,
    ],
  },
  {
    name: "pull",
    synopsis: "neuron pull <uri> [--config FILE]",
    summary: "download a GGUF model into models_dir (resumes a cut download)",
    positionals: ["uri"],
    options: [configOption, helpOption],
    details: `<uri> is one of:
  hf:org/repo:QUANT        the repo's file of that quant, e.g. hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M
  hf:org/repo/file.gguf    one file of the repo
  https://host/file.gguf   any URL
Only hosts in allowed_download_hosts are used, redirects included. The file goes to models_dir as
<name>.gguf.part until its size (and sha256, when Hugging Face lists one) is checked; a cut download is
retried, and running the same pull again resumes it. HF_ENDPOINT names a Hugging Face mirror
(default https://huggingface.co). HF_TOKEN (a Hugging Face access token, for gated or private repos) is sent
to that host only, never to the host a download redirects to.`,
  },
  {
    name: "models",
    synopsis: "neuron models [--config FILE]",
    summary: "list the models in models_dir, which [[models]] use them, and their status if the neuron runs",
    positionals: [],
    options: [configOption, helpOption],
  },
];

const environment = `Environment:
  NEURON_*         overrides config keys (__ nests: NEURON_ADMISSION__MAX_QUEUE_DEPTH=4)
  NEURON_LOG_LEVEL pino level (default info)
`;

function formatOptions(options: CliOption[]): string {
  const rows = options.map((option) => [
    `${option.short === undefined ? "    " : `-${option.short}, `}--${option.name}${option.value === undefined ? "" : ` ${option.value}`}`,
    option.description,
  ]);
  const width = Math.max(...rows.map(([left]) => (left ?? "").length));
  return rows.map(([left, right]) => `  ${(left ?? "").padEnd(width)}  ${right}`).join("\n");
}

/** `neuron --help`: every command. */
export function neuronUsage(): string {
  const width = Math.max(...neuronCommands.map((command) => command.name.length));
  return `Usage:
${neuronCommands.map((command) => `  ${command.synopsis}`).join("\n")}

Commands:
${neuronCommands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join("\n")}

Run \`neuron <command> --help\` for a command's options.

Options:
  -h, --help     show this help
  -V, --version  print the version

${environment}`;
}

/** `neuron <command> --help`. */
export function commandUsage(command: CliCommand): string {
  return `Usage: ${command.synopsis}

${command.summary}

Options:
${formatOptions(command.options)}
${command.details === undefined ? "" : `\n${command.details}\n`}
${environment}`;
}
