import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import type { CortexConfig } from "@helexa/core";
import { readCortexConfigFile } from "../config/load-cortex-config.js";
import type { LedgerStore } from "../ledger-store/ledger-store.js";
import { openLedgerStore } from "../ledger-store/open-ledger-store.js";
import { redactLedgerUrl } from "../ledger-store/redact-ledger-url.js";
import { parseSince } from "./internal/parse-since.js";
import { buildUsageReport, renderUsageReport } from "./internal/usage-report.js";
import { resolveLedgerPath } from "./resolve-ledger-path.js";

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
/** An unreachable PostgreSQL host fails the command instead of hanging for TCP's minutes. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface UsageCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** For `CORTEX_*` overrides; default none. */
  env?: Record<string, string | undefined>;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

export const USAGE_HELP = `Usage: cortex usage [options]

Per-key and per-model totals (requests, tokens, cost) from the usage ledger the config's [ledger] names:
the SQLite file (path) or the PostgreSQL database several gateways share (url). Read-only (it never creates,
migrates or writes a ledger): safe while cortex runs. A URL's password is never printed.

Options:
  -c, --config FILE        cortex.toml (default: ./cortex.toml); gives the ledger and each key's budget
      --ledger PATH|URL    read this ledger instead of the config's: an SQLite file path or a
                           postgres://user:password@host:port/database URL
      --since WHEN         only rows since a duration ago (24h, 7d, 90m) or an ISO date
      --json               print JSON instead of tables
  -h, --help               show this help

CORTEX_LEDGER__URL=postgres://... overrides the config's [ledger] url and keeps the password off the
command line (and out of the process list).
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
  const ledger = chooseLedger(values.ledger, configFile, config);
  if (ledger.url === undefined && !existsSync(ledger.path)) {
    io.stderr(
      `cortex usage: no ledger at ${ledger.path}${whyNoLedger(values.ledger === undefined ? config : null)}\n`,
    );
    return 1;
  }

  let store: LedgerStore;
  try {
    store = await openLedgerStore(ledger, { readonly: true, connectTimeoutMs: CONNECT_TIMEOUT_MS });
  } catch (error) {
    io.stderr(`cortex usage: ${describeError(error, ledger.url)}\n`);
    return 1;
  }
  try {
    const report = await buildUsageReport(store, config?.entitlements.keys ?? [], {
      sinceMs,
      nowMs: now,
    });
    io.stdout(
      values.json === true
        ? `${JSON.stringify({ ledger: store.location, ...report }, null, 2)}\n`
        : renderUsageReport(store.location, report),
    );
    return 0;
  } catch (error) {
    io.stderr(
      `cortex usage: cannot read the ledger at ${store.location}: ${describeError(error, ledger.url)}\n`,
    );
    return 1;
  } finally {
    await store.close();
  }
}

/**
 * The ledger to read: `--ledger` (a `postgres://` URL, else an SQLite file path as given), else the config's
 * `[ledger]` (its `url`, else its `path` relative to the config file).
 */
function chooseLedger(
  named: string | undefined,
  configFile: string,
  config: CortexConfig | null,
): CortexConfig["ledger"] {
  // Without a config there is a `--ledger`: the rest only fills the type (a read-only store uses neither).
  const base = config?.ledger ?? { path: "", lease_seconds: 30, responses_retention_hours: 720 };
  const common = {
    lease_seconds: base.lease_seconds,
    responses_retention_hours: base.responses_retention_hours,
  };
  if (named !== undefined) {
    return POSTGRES_URL.test(named) ? { ...common, path: base.path, url: named } : { ...common, path: named };
  }
  if (base.url !== undefined) return base;
  return { ...common, path: resolveLedgerPath(configFile, base.path) };
}

/**
 * An error's message safe to print: the URL as `redactLedgerUrl` writes it, and its password nowhere (the
 * stores' errors already name the redacted location; this is the net for a driver that quotes its input).
 */
function describeError(error: unknown, url: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (url === undefined) return message;
  const redacted = message.replaceAll(url, redactLedgerUrl(url));
  const password = passwordOf(url);
  return password === "" ? redacted : redacted.replaceAll(password, "***");
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return "";
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
