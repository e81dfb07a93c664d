/** Who is calling: the configured key's ids, never its secret. */
export interface Identity {
  keyId: string;
  accountId: string;
}

/** Tokens counted for one finished request. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** What the ledger records about a settled request besides its usage. */
export interface SettleDetails {
  model: string;
  node: string | null;
  outcome: "ok" | "error" | "aborted";
}

/** A budget hold taken before dispatch; settled or released exactly once. */
export interface Reservation {
  readonly id: number;
  readonly identity: Identity | null;
  readonly tokens: number;
}

/**
 * API keys, budgets and the usage ledger. `authenticate` throws a 401 `HelexaError` for a wrong key (or a
 * missing one under `require_auth`) and returns null for an allowed anonymous caller. `reserve` throws a 429
 * `HelexaError` (rolling: `rate_limit_exceeded` + Retry-After; balance: `insufficient_quota`) when the hold
 * would pass the cap. `settle` and `release` are idempotent per reservation.
 */
export interface Entitlements {
  authenticate(headers: Headers): Identity | null;
  reserve(identity: Identity | null, tokens: number): Reservation;
  settle(reservation: Reservation, usage: Usage, details: SettleDetails): void;
  release(reservation: Reservation, details: SettleDetails): void;
  dispose(): void;
}
