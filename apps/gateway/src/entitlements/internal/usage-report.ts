import type { ApiKeyConfig } from "@helexa/core";
import type { LedgerStore } from "../../ledger-store/ledger-store.js";
import type { KeyTotals, ModelTotals } from "../ledger-report.js";
import { formatCount, formatTable, formatUsd } from "./format-table.js";
import { createKeyTable } from "./key-table.js";

export interface KeyReport extends KeyTotals {
  /** From the config; null when the key is not configured (any more) or the row is anonymous. */
  budget: { hardCap: number | null; window: string; windowSpent: number } | null;
}

export interface UsageReport {
  since: string | null;
  rows: number;
  firstAt: string | null;
  lastAt: string | null;
  keys: KeyReport[];
  models: ModelTotals[];
}

const ZERO = { requests: 0, failed: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Totals per key (configured keys listed even without rows) and per model, with each key's budget now:
 * its window's spend as the store decides reservations on it (`spendOf`), SQLite or PostgreSQL alike.
 */
export async function buildUsageReport(
  store: Pick<LedgerStore, "totals" | "spendOf">,
  keys: readonly ApiKeyConfig[],
  options: { sinceMs: number; nowMs: number },
): Promise<UsageReport> {
  const table = createKeyTable(keys);
  const byKey = new Map<string, KeyTotals>();
  for (const row of await store.totals.byKey(options.sinceMs))
    byKey.set(`${row.keyId}\u0000${row.accountId}`, row);
  for (const identity of table.identities) {
    const id = `${identity.keyId}\u0000${identity.accountId}`;
    if (!byKey.has(id)) byKey.set(id, { keyId: identity.keyId, accountId: identity.accountId, ...ZERO });
  }
  const sorted = [...byKey.values()].sort(
    (a, b) =>
      (a.keyId ?? "\uffff").localeCompare(b.keyId ?? "\uffff") ||
      (a.accountId ?? "").localeCompare(b.accountId ?? ""),
  );
  const keyReports: KeyReport[] = [];
  for (const totals of sorted) {
    const budget = totals.keyId === null ? undefined : table.budgets.get(totals.keyId);
    if (budget === undefined || totals.keyId === null) {
      keyReports.push({ ...totals, budget: null });
      continue;
    }
    const window = budget.window;
    const { spent } = await store.spendOf(totals.keyId, budget, options.nowMs);
    keyReports.push({
      ...totals,
      budget: {
        hardCap: budget.hardCap,
        window: window.kind === "rolling" ? `rolling ${window.seconds}s` : "balance",
        windowSpent: spent,
      },
    });
  }
  const span = await store.totals.span();
  return {
    since: options.sinceMs > 0 ? iso(options.sinceMs) : null,
    rows: span.rows,
    firstAt: iso(span.firstMs),
    lastAt: iso(span.lastMs),
    keys: keyReports,
    models: await store.totals.byModel(options.sinceMs),
  };
}

const TOTAL_HEADER = ["REQUESTS", "FAILED", "PROMPT", "COMPLETION", "TOTAL", "COST"];
const totalCells = (totals: KeyTotals | ModelTotals) => [
  formatCount(totals.requests),
  formatCount(totals.failed),
  formatCount(totals.promptTokens),
  formatCount(totals.completionTokens),
  formatCount(totals.promptTokens + totals.completionTokens),
  formatUsd(totals.costUsd),
];

/** The report as text tables for a terminal. */
export function renderUsageReport(location: string, report: UsageReport): string {
  const span =
    report.rows === 0
      ? "empty"
      : `${formatCount(report.rows)} ${report.rows === 1 ? "row" : "rows"}, ${report.firstAt} to ${report.lastAt}`;
  const scope = report.since === null ? "all time" : `since ${report.since}`;
  const keys = formatTable(
    ["KEY_ID", "ACCOUNT", ...TOTAL_HEADER, "WINDOW", "WINDOW_SPENT", "CAP"],
    report.keys.map((key) => [
      key.keyId ?? "(anonymous)",
      key.accountId ?? "-",
      ...totalCells(key),
      key.budget?.window ?? "-",
      key.budget === null ? "-" : formatCount(key.budget.windowSpent),
      key.budget?.hardCap == null ? "-" : formatCount(key.budget.hardCap),
    ]),
  );
  const models = formatTable(
    ["MODEL", ...TOTAL_HEADER],
    report.models.map((model) => [model.model, ...totalCells(model)]),
  );
  return [
    `Ledger ${location} (${span})`,
    "",
    `Per key, ${scope} (WINDOW_SPENT is the budget's current spend; in-flight holds show in GET /v1/usage):`,
    keys,
    "",
    `Per model, ${scope}:`,
    report.models.length === 0 ? "(no requests)" : models,
    "",
  ].join("\n");
}
