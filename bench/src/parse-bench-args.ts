import { parseArgs } from "node:util";

export interface BenchArgs {
  /** Group names to run; empty = all. */
  only: string[];
  quick: boolean;
  rounds: number;
  /** Results file name (without `.json`). */
  name: string;
  /** Folder for the results file. */
  out: string | null;
  /** Also paste the table into BENCHMARKS.md (between its markers). */
  writeDoc: boolean;
  help: boolean;
}

export type ParseBenchArgsResult = { ok: true; args: BenchArgs } | { ok: false; message: string };

export const benchUsage = `usage: pnpm bench [-- options]
  --only a,b     run only these groups (gateway, streaming, neuron, routing, memory)
  --quick        small sizes and short runs (a smoke run, not a measurement)
  --rounds N     rounds per figure (default 3, quick 2)
  --name NAME    results file bench/results/NAME.json (default "latest", "quick" with --quick)
  --out DIR      folder for the results file (default bench/results)
  --write-doc    also replace the results table in BENCHMARKS.md`;

/** Parses `pnpm bench` arguments; unknown options and bad values are errors, not ignored. */
export function parseBenchArgs(argv: readonly string[], groupNames: readonly string[]): ParseBenchArgsResult {
  // `pnpm bench -- --only x` passes the `--` through on some pnpm versions.
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(args).values;
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const only = (values.only ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const unknown = only.filter((name) => !groupNames.includes(name));
  if (unknown.length > 0)
    return { ok: false, message: `unknown group(s) ${unknown.join(", ")}; known: ${groupNames.join(", ")}` };
  const quick = values.quick ?? false;
  const rounds = values.rounds === undefined ? (quick ? 2 : 3) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50)
    return { ok: false, message: "--rounds must be an integer from 1 to 50" };
  const name = values.name ?? (quick ? "quick" : "latest");
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    return { ok: false, message: "--name may hold only letters, digits, '.', '_' and '-'" };
  return {
    ok: true,
    args: {
      only,
      quick,
      rounds,
      name,
      out: values.out ?? null,
      writeDoc: values["write-doc"] ?? false,
      help: values.help ?? false,
    },
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      only: { type: "string" },
      quick: { type: "boolean" },
      rounds: { type: "string" },
      name: { type: "string" },
      out: { type: "string" },
      "write-doc": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
