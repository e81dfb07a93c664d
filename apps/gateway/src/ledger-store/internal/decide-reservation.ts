import type { ReserveOutcome, SpendEntry } from "../../entitlements/internal/budget-book.js";
import type { Budget } from "../../entitlements/internal/key-table.js";

/**
 * Whether `tokens` more fit under the cap beside `spent` and `reserved` (every gateway's holds), with the
 * same refusals as the in-process budget book. `spendInWindow` (rolling windows, oldest first) is read
 * only when refusing, to say when `needed` tokens will have freed: it may stop at the entry where its
 * running total reaches `needed`, or give that whole prefix as one entry at that entry's time (what
 * `firstFreeingSql` reads), since only the time at which the total reaches `needed` matters.
 */
export function decideReservation(
  budget: Budget,
  tokens: number,
  spent: number,
  reserved: number,
  nowMs: number,
  spendInWindow: (needed: number) => SpendEntry[],
): ReserveOutcome {
  const cap = budget.hardCap;
  if (cap === null) return { ok: true };
  if (tokens > cap) return { ok: false, reason: "exceeds_cap", hardCap: cap };
  const available = Math.max(0, cap - spent - reserved);
  if (tokens <= available) return { ok: true };
  const window = budget.window;
  if (window.kind === "balance") return { ok: false, reason: "insufficient_quota", available };
  const windowMs = window.seconds * 1000;
  const needed = tokens - available;
  let freed = 0;
  for (const entry of spendInWindow(needed)) {
    freed += entry.tokens;
    if (freed >= needed) {
      const retryAfterSecs = Math.max(1, Math.ceil((entry.timeMs + windowMs - nowMs) / 1000));
      return { ok: false, reason: "rate_limited", available, retryAfterSecs };
    }
  }
  // Holds, not spend, are in the way: they free when their requests finish, at most a window from now.
  return { ok: false, reason: "rate_limited", available, retryAfterSecs: window.seconds };
}
