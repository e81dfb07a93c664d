import type { Identity } from "../entitlements.js";
import type { KeyUsage } from "../key-usage.js";
import type { BudgetSnapshot } from "./budget-book.js";

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Shapes a budget snapshot as the `GET /v1/usage` body. */
export function toKeyUsage(identity: Identity, snapshot: BudgetSnapshot, nowMs: number): KeyUsage {
  const { budget, spent, reserved } = snapshot;
  const remaining = budget.hardCap === null ? null : Math.max(0, budget.hardCap - spent - reserved);
  const window = budget.window;
  const windowMs = window.kind === "rolling" ? window.seconds * 1000 : 0;
  const freesAt = (ms: number | null) => (ms === null ? null : iso(Math.max(nowMs, ms + windowMs)));
  return {
    object: "usage",
    key_id: identity.keyId,
    account_id: identity.accountId,
    hard_cap: budget.hardCap,
    spent,
    reserved,
    remaining,
    window:
      window.kind === "balance"
        ? { kind: "balance" }
        : {
            kind: "rolling",
            seconds: window.seconds,
            next_free_at: freesAt(snapshot.oldestMs),
            resets_at: freesAt(snapshot.newestMs),
          },
  };
}
