import type { ReserveOutcome, SpendEntry } from "../../entitlements/internal/budget-book.js";
import type { Budget } from "../../entitlements/internal/key-table.js";

/**
 * Whether `tokens` more fit under the cap beside `spent` and `reserved` (every gateway's holds), with the
 * same refusals as the in-process budget book. `spendInWindow` (rolling windows, oldest first) is read
 * only when refusing, to say when enough frees.
 */
export function decideReservation(
  budget: Budget,
  tokens: number,
  spent: number,
  reserved: number,
  nowMs: number,
  spendInWindow: () => SpendEntry[],
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
  for (const entry of spendInWindow()) {
    freed += entry.tokens;
    if (freed >= needed) {
      const retryAfterSecs = Math.max(1, Math.ceil((entry.timeMs + windowMs - nowMs) / 1000));
      return { ok: false, reason: "rate_limited", available, retryAfterSecs };
    }
  }
  // Holds, not spend, are in the way: they free when their requests finish, at most a window from now.
  return { ok: false, reason: "rate_limited", available, retryAfterSecs: window.seconds };
}
