import type { KeyRole } from "@helexa/core";
import type { ClientHeaders } from "../internal/client-headers.js";
import type { KeyUsage } from "./key-usage.js";

/** Who is calling: the configured key's ids, never its secret. */
export interface Identity {
  keyId: string;
  accountId: string;
  /** The key's `role`; absent means `user`. Only `admin` may use `/admin/*` and the dashboard's actions. */
  role?: KeyRole;
}

/** Tokens counted for one finished request. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /**
   * The part of `promptTokens` the neuron reused from its KV state (`cached_tokens`), when the reply said.
   * Counted into `cortex_cached_prompt_tokens_total` only; billing and the ledger ignore it.
   */
  cachedTokens?: number;
}

/** What the ledger records about a settled request besides its usage. */
export interface SettleDetails {
  model: string;
  node: string | null;
  outcome: "ok" | "error" | "aborted";
  /** The gateway's request id, stored in the ledger row so an operator can match it to the logs. */
  requestId?: string;
}

/** What the ledger keeps with a hold, so a crash before the request is recorded can be charged. */
export interface HoldDetails {
  model: string;
  requestId?: string;
  /** The part of the hold that is for the prompt. Default: all of it. */
  promptTokens?: number;
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
 * `HelexaError` (rolling: `rate_limit_exceeded` + Retry-After; balance, or a request larger than the whole
 * cap: `insufficient_quota`) when the hold would pass the cap. `settle` and `release` are idempotent per
 * reservation: only the first call for a reservation has an effect.
 *
 * Additions to the first contract: `SettleDetails.requestId` (optional), `reserve`'s `hold` (optional) and
 * `EntitlementsWithUsage`.
 */
export interface Entitlements {
  authenticate(headers: ClientHeaders): Identity | null;
  /**
   * With `hold`, the hold is written to the ledger first, so a crash before settling is charged at start.
   * A shared (PostgreSQL) ledger decides in the database and answers with a promise.
   */
  reserve(identity: Identity | null, tokens: number, hold?: HoldDetails): Reservation | Promise<Reservation>;
  /** Records the request's usage (one ledger row) and turns the hold into spend. */
  settle(reservation: Reservation, usage: Usage, details: SettleDetails): void;
  /** Drops the hold and records a zero-usage row with `details.outcome`, so failed requests are counted. */
  release(reservation: Reservation, details: SettleDetails): void;
  /**
   * Closes the ledger (a shared one once its last writes are done). Call after the HTTP server has
   * drained; later settles are logged and dropped.
   */
  dispose(): void | Promise<void>;
}

/** What `createEntitlements` returns: the contract above plus the read side that `GET /v1/usage` needs. */
export interface EntitlementsWithUsage extends Entitlements {
  /** The key's allocation now: cap, spend in the current window, holds, and when the window frees. */
  usageFor(identity: Identity): KeyUsage | Promise<KeyUsage>;
  /** Every configured `(key_id, account_id)`, for the dashboard's usage table (optional for test doubles). */
  identities?(): readonly Identity[];
}

/** The in-process entitlements on the SQLite ledger (`createEntitlements`): every answer is immediate. */
export interface LocalEntitlements extends EntitlementsWithUsage {
  reserve(identity: Identity | null, tokens: number, hold?: HoldDetails): Reservation;
  usageFor(identity: Identity): KeyUsage;
  dispose(): void;
}
