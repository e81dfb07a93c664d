import { Counter, Gauge, type Registry } from "prom-client";

/** Label value used for `key_id` and `account_id` of anonymous requests (no key presented). */
export const ANONYMOUS_LABEL = "";

/** One key's live budget, for the gauges (read at scrape time, so rolling spend is current). */
export interface BudgetGaugeSample {
  keyId: string;
  hardCap: number | null;
  spent: number;
  reserved: number;
}

/**
 * Per-key metrics. Labels are the configured `key_id` / `account_id` (bounded by the config; anonymous
 * requests use ""), never a secret. Names carry a `key` / `budget` prefix so they cannot collide with the
 * per-model `cortex_prompt_tokens_total` family the proxy records.
 */
export interface EntitlementMetrics {
  /** Ledger rows written, by outcome (`ok`, `error`, `aborted`). */
  requests: Counter<"key_id" | "account_id" | "outcome">;
  /** Tokens settled, `kind` = `prompt` | `completion`. */
  tokens: Counter<"key_id" | "account_id" | "kind">;
  costUsd: Counter<"key_id" | "account_id">;
  /** `reason` = `rate_limited` | `insufficient_quota` | `exceeds_cap`. */
  budgetRejections: Counter<"key_id" | "account_id" | "reason">;
  /** `reason` = `unknown_key` | `missing_key`; `source` = the header read, or `none`. */
  authFailures: Counter<"reason" | "source">;
  ledgerWriteErrors: Counter<string>;
  /** Called by `createEntitlements` with the source of the budget gauges. */
  setBudgetSource(source: () => BudgetGaugeSample[]): void;
}

/** Registers the entitlement metrics on `registry` (once per registry). */
export function createEntitlementMetrics(registry: Registry): EntitlementMetrics {
  const registers = [registry];
  let budgetSource: () => BudgetGaugeSample[] = () => [];
  const gauge = (name: string, help: string, pick: (sample: BudgetGaugeSample) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ["key_id"],
      registers,
      collect() {
        this.reset();
        for (const sample of budgetSource()) {
          const value = pick(sample);
          if (value !== null) this.set({ key_id: sample.keyId }, value);
        }
      },
    });
  gauge("cortex_budget_spent_tokens", "Tokens spent in the key's current budget window", (s) => s.spent);
  gauge("cortex_budget_reserved_tokens", "Tokens held by the key's in-flight requests", (s) => s.reserved);
  gauge("cortex_budget_cap_tokens", "The key's hard cap (capped keys only)", (s) => s.hardCap);
  return {
    requests: new Counter({
      name: "cortex_key_requests_total",
      help: "Requests recorded in the usage ledger, per key and outcome",
      labelNames: ["key_id", "account_id", "outcome"],
      registers,
    }),
    tokens: new Counter({
      name: "cortex_key_tokens_total",
      help: "Tokens settled against a key, by kind (prompt or completion)",
      labelNames: ["key_id", "account_id", "kind"],
      registers,
    }),
    costUsd: new Counter({
      name: "cortex_key_cost_usd_total",
      help: "Cost in USD of the tokens settled against a key, from the catalogue prices",
      labelNames: ["key_id", "account_id"],
      registers,
    }),
    budgetRejections: new Counter({
      name: "cortex_budget_rejections_total",
      help: "Requests refused by a key's budget before dispatch",
      labelNames: ["key_id", "account_id", "reason"],
      registers,
    }),
    authFailures: new Counter({
      name: "cortex_auth_failures_total",
      help: "Requests refused with 401 invalid_api_key",
      labelNames: ["reason", "source"],
      registers,
    }),
    ledgerWriteErrors: new Counter({
      name: "cortex_ledger_write_errors_total",
      help: "Ledger rows that could not be written (the error is logged)",
      registers,
    }),
    setBudgetSource(source) {
      budgetSource = source;
    },
  };
}
