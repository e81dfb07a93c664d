import type { Budget } from "./key-table.js";

/** Spend made at `timeMs` (rolling windows only need the time it frees). */
export interface SpendEntry {
  timeMs: number;
  tokens: number;
}

/** Where a key's spend is read from the first time the book touches it (the ledger). */
export interface SpendSource {
  totalFor(keyId: string): number;
  /** Spend since `sinceMs` (exclusive), summed per `bucketMs` with times rounded up, oldest first. */
  bucketsSince(keyId: string, sinceMs: number, bucketMs: number): SpendEntry[];
}

export type ReserveOutcome =
  | { ok: true }
  | { ok: false; reason: "exceeds_cap"; hardCap: number }
  | { ok: false; reason: "insufficient_quota"; available: number }
  | { ok: false; reason: "rate_limited"; available: number; retryAfterSecs: number };

export interface BudgetSnapshot {
  budget: Budget;
  spent: number;
  reserved: number;
  /** Rolling only: bucket times (ms) of the oldest and newest spend still in the window. */
  oldestMs: number | null;
  newestMs: number | null;
  /** Rolling only: how many buckets hold that spend (bounded near 3600 per key). */
  buckets: number;
}

interface KeyState {
  budget: Budget;
  reserved: number;
  spent: number;
  /** Rolling windows: spend per bucket, oldest first, from `head` on. */
  buckets: SpendEntry[];
  head: number;
}

const UNCAPPED: Budget = { hardCap: null, window: { kind: "balance" } };

/**
 * Rolling spend is kept in at most ~3600 buckets per key: times are rounded up to the bucket, so spend
 * frees at most one bucket late (never early), and memory stays bounded however busy the key is.
 */
function bucketMsFor(windowSeconds: number): number {
  return Math.max(1000, Math.floor((windowSeconds * 1000) / 3600));
}

/**
 * The live per-`key_id` budgets: spend (all-time for `balance`, within the window for `rolling`) and holds.
 * Every method is synchronous, so a check and the hold it grants cannot interleave with another request's.
 */
export class BudgetBook {
  readonly #budgets: ReadonlyMap<string, Budget>;
  readonly #source: SpendSource;
  readonly #states = new Map<string, KeyState>();

  constructor(budgets: ReadonlyMap<string, Budget>, source: SpendSource) {
    this.#budgets = budgets;
    this.#source = source;
  }

  /** Grants a hold of `tokens` unless spend + holds + tokens would pass the cap. */
  tryReserve(keyId: string, tokens: number, nowMs: number): ReserveOutcome {
    const state = this.#state(keyId, nowMs);
    const cap = state.budget.hardCap;
    if (cap !== null) {
      if (tokens > cap) return { ok: false, reason: "exceeds_cap", hardCap: cap };
      const available = Math.max(0, cap - state.spent - state.reserved);
      if (tokens > available) {
        if (state.budget.window.kind === "balance")
          return { ok: false, reason: "insufficient_quota", available };
        const retryAfterSecs = this.#secondsUntilFree(state, tokens - available, nowMs);
        return { ok: false, reason: "rate_limited", available, retryAfterSecs };
      }
    }
    state.reserved += tokens;
    return { ok: true };
  }

  release(keyId: string, tokens: number, nowMs: number): void {
    const state = this.#state(keyId, nowMs);
    state.reserved = Math.max(0, state.reserved - tokens);
  }

  /** Records spend made at `timeMs` (call after the ledger row is written). */
  spend(keyId: string, tokens: number, timeMs: number): void {
    const state = this.#state(keyId, timeMs);
    if (tokens <= 0) return;
    state.spent += tokens;
    const window = state.budget.window;
    if (window.kind === "balance") return;
    const bucketMs = bucketMsFor(window.seconds);
    const time = Math.ceil(timeMs / bucketMs) * bucketMs;
    const last = state.buckets[state.buckets.length - 1];
    if (last !== undefined && state.buckets.length > state.head && last.timeMs >= time) last.tokens += tokens;
    else state.buckets.push({ timeMs: time, tokens });
  }

  snapshot(keyId: string, nowMs: number): BudgetSnapshot {
    const state = this.#state(keyId, nowMs);
    const live = state.buckets.length > state.head;
    return {
      budget: state.budget,
      spent: state.spent,
      reserved: state.reserved,
      oldestMs: live ? (state.buckets[state.head]?.timeMs ?? null) : null,
      newestMs: live ? (state.buckets[state.buckets.length - 1]?.timeMs ?? null) : null,
      buckets: state.buckets.length - state.head,
    };
  }

  #state(keyId: string, nowMs: number): KeyState {
    let state = this.#states.get(keyId);
    if (state === undefined) {
      const budget = this.#budgets.get(keyId) ?? UNCAPPED;
      const window = budget.window;
      const buckets =
        window.kind === "rolling"
          ? this.#source.bucketsSince(keyId, nowMs - window.seconds * 1000, bucketMsFor(window.seconds))
          : [];
      const spent =
        window.kind === "rolling"
          ? buckets.reduce((sum, entry) => sum + entry.tokens, 0)
          : this.#source.totalFor(keyId);
      state = { budget, reserved: 0, spent, buckets, head: 0 };
      this.#states.set(keyId, state);
    }
    this.#expire(state, nowMs);
    return state;
  }

  /** Drops rolling spend that has left the window (frees at bucket time + window). */
  #expire(state: KeyState, nowMs: number): void {
    const window = state.budget.window;
    if (window.kind !== "rolling") return;
    const windowMs = window.seconds * 1000;
    while (state.head < state.buckets.length) {
      const entry = state.buckets[state.head];
      if (entry === undefined || entry.timeMs + windowMs > nowMs) break;
      state.spent -= entry.tokens;
      state.head += 1;
    }
    if (state.head > 1024 && state.head * 2 > state.buckets.length) {
      state.buckets = state.buckets.slice(state.head);
      state.head = 0;
    }
  }

  /** Seconds until enough rolling spend frees; the whole window when holds, not spend, are in the way. */
  #secondsUntilFree(state: KeyState, needed: number, nowMs: number): number {
    const window = state.budget.window;
    if (window.kind !== "rolling") return 0;
    let freed = 0;
    for (let index = state.head; index < state.buckets.length; index += 1) {
      const entry = state.buckets[index];
      if (entry === undefined) break;
      freed += entry.tokens;
      if (freed >= needed)
        return Math.max(1, Math.ceil((entry.timeMs + window.seconds * 1000 - nowMs) / 1000));
    }
    return window.seconds;
  }
}
