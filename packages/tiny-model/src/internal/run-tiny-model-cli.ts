import { parseArgs } from "node:util";
import { defaultTinyModelPath } from "../default-tiny-model-path.js";
import { writeTinyModel } from "../write-tiny-model.js";

/** Where the CLI writes; injected so tests need not capture the process streams. */
export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const usage = `Usage: tiny-model [--out FILE] [--context-length N] [--seed N] [--f16]

Writes a deterministic tiny GGUF (llama architecture, random weights) and prints
"<sha256>  <path>".

  --out FILE            output file (default: ${defaultTinyModelPath()})
  --context-length N    llama.context_length (default 2048)
  --seed N              weight seed, 0..4294967295 (default 42)
  --f16                 store weight matrices as f16 instead of f32
  -h, --help            show this help
`;

/** Parses `argv` (without node and script), writes the model, and returns the exit code. */
export async function runTinyModelCli(argv: readonly string[], output: CliOutput): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    return fail(output, error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    output.stdout(usage);
    return 0;
  }
  const contextLength = parseInteger("--context-length", values["context-length"]);
  const seed = parseInteger("--seed", values.seed);
  if (typeof contextLength === "string") return fail(output, contextLength);
  if (typeof seed === "string") return fail(output, seed);
  if (values.out === "") return fail(output, "--out needs a file path");
  try {
    const written = await writeTinyModel(values.out ?? defaultTinyModelPath(), {
      contextLength,
      seed,
      weightType: values.f16 ? "f16" : "f32",
    });
    output.stdout(`${written.sha256}  ${written.path}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RangeError) return fail(output, error.message);
    output.stderr(`tiny-model: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      out: { type: "string" },
      "context-length": { type: "string" },
      seed: { type: "string" },
      f16: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** The integer value of a flag, undefined when absent, or an error message. */
function parseInteger(flag: string, text: string | undefined): number | undefined | string {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) return `${flag} expects a non-negative integer, got "${text}"`;
  return Number(text);
}

/** Usage errors exit with 2, like other command-line tools. */
function fail(output: CliOutput, message: string): number {
  output.stderr(`tiny-model: ${message}\nTry 'tiny-model --help'.\n`);
  return 2;
}
