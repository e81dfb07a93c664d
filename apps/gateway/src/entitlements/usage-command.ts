import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { CortexConfig } from "@helexa/core";
import { readCortexConfigFile } from "../config/load-cortex-config.js";
import { redactLedgerUrl } from "../ledger-store/redact-ledger-url.js";
import { parseSince } from "./internal/parse-since.js";
import { buildUsageReport, renderUsageReport } from "./internal/usage-report.js";
import { openLedger } from "./ledger.js";
import { resolveLedgerPath } from "./resolve-ledger-path.js";

export interface UsageCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** For `CORTEX_*` overrides; default none. */
  env?: Record<string, string | undefined>;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

export const USAGE_HELP = `Usage: cortex usage [options]

Per-key and per-model totals (requests, tokens, cost) from the usage ledger. Read-only: safe while cortex runs.

Options:
  -c, --config FILE   cortex.toml (default: ./cortex.toml); gives the ledger path and each key's budget
      --ledger FILE   read this ledger file instead of the config's ledger.path
      --since WHEN    only rows since a duration ago (24h, 7d, 90m) or an ISO date
      --json          print JSON instead of tables
  -h, --help          show this help
`;

/**
 * `cortex usage`. `argv` are the arguments after the subcommand. Prints to `io` and returns the exit code:
 * 0 on success, 1 when the config or ledger cannot be read, 2 for bad arguments.
 */
export async function runUsageCommand(argv: readonly string[], io: UsageCommandIo): Promise<number> {
  const now = (io.now ?? Date.now)();
  let values: { config?: string; ledger?: string; since?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: "string", short: "c" },
        ledger: { type: "string" },
        since: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`cortex usage: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE_HELP}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout(USAGE_HELP);
    return 0;
  }
  let sinceMs = 0;
  if (values.since !== undefined) {
    const since = parseSince(values.since, now);
    if (!since.ok) {
      io.stderr(`cortex usage: ${since.error}\n`);
      return 2;
    }
    sinceMs = since.ms;
  }

  const configFile = values.config ?? "cortex.toml";
  let config: CortexConfig | null = null;
  if (values.config !== undefined || values.ledger === undefined || existsSync(configFile)) {
    try {
      config = readCortexConfigFile(configFile, io.env ?? {});
    } catch (error) {
      io.stderr(`cortex usage: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  const sharedUrl = config?.ledger.url;
  if (values.ledger === undefined && sharedUrl !== undefined) {
    io.stderr(
      `cortex usage: the ledger is PostgreSQL (${redactLedgerUrl(sharedUrl)}); this command reads SQLite ` +
        "files: ask any gateway's GET /v1/usage, or query the database's requests and key_totals tables\n",
    );
    return 1;
  }
  const ledgerPath = values.ledger ?? resolveLedgerPath(configFile, config?.ledger.path ?? "");
  if (!existsSync(ledgerPath)) {
    io.stderr(
      `cortex usage: no ledger at ${ledgerPath}${whyNoLedger(values.ledger === undefined ? config : null)}\n`,
    );
    return 1;
  }

  let ledger: ReturnType<typeof openLedger>;
  try {
    ledger = openLedger(ledgerPath, { readonly: true });
  } catch (error) {
    io.stderr(`cortex usage: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    const report = buildUsageReport(ledger.database, config?.entitlements.keys ?? [], {
      sinceMs,
      nowMs: now,
    });
    io.stdout(
      values.json === true
        ? `${JSON.stringify({ ledger: ledgerPath, ...report }, null, 2)}\n`
        : renderUsageReport(ledgerPath, report),
    );
    return 0;
  } finally {
    ledger.close();
  }
}

/**
 * Why the config's ledger file is not there yet, in a form that stays true: cortex opens it (see `main.ts`)
 * only when keys are configured or `[join]` is on, and meters usage only with keys. Empty for `--ledger`.
 */
function whyNoLedger(config: CortexConfig | null): string {
  if (config === null) return "";
  const keyed = config.entitlements.require_auth || config.entitlements.keys.length > 0;
  if (keyed) return " yet: cortex creates it there on its first start with this config";
  return (
    ": cortex meters usage only with [[entitlements.keys]] (or require_auth = true) in cortex.toml; " +
    "without keys it runs open and keeps no usage"
  );
}
