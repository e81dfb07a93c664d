import type { ReserveOutcome } from "../entitlements/internal/budget-book.js";
import type { Budget } from "../entitlements/internal/key-table.js";
import type { HoldRow, LedgerRow } from "../entitlements/ledger.js";
import type { KeyTotals, ModelTotals } from "../entitlements/ledger-report.js";
import type { RegistrationStore } from "../join/registration-store.js";
import type { ResponseStore } from "../responses/response-store.js";

/** A hold with its lease: the gateway that took it renews it until `leaseExpiresMs` while it runs. */
export interface LeasedHold extends HoldRow {
  leaseOwner: string;
  leaseExpiresMs: number;
}

/** One reservation to decide: the hold to write and the key's budget (null: anonymous, never refused). */
export interface ReservationRequest {
  hold: LeasedHold;
  budget: Budget | null;
  nowMs: number;
}

/** A key's spend as the store sees it now, for `GET /v1/usage`. */
export interface KeySpend {
  /** All-time (balance) or within the window (rolling). */
  spent: number;
  /** Holds not yet recorded, every gateway's. */
  reserved: number;
  /** Rolling only: times (ms) of the oldest and newest spend still in the window. */
  oldestMs: number | null;
  newestMs: number | null;
}

/** Totals over the recorded requests, for `cortex usage` (rows at or after `sinceMs`; 0: all rows). */
export interface LedgerTotals {
  /** Per `(key_id, account_id)`; anonymous rows have null ids. */
  byKey(sinceMs: number): Promise<KeyTotals[]>;
  /** Per model, ordered by model name (byte order). */
  byModel(sinceMs: number): Promise<ModelTotals[]>;
  /** The whole ledger's row count and time span. */
  span(): Promise<{ rows: number; firstMs: number | null; lastMs: number | null }>;
}

/** How to open a store: `readonly` (`cortex usage`) never migrates and refuses writes. */
export interface OpenLedgerStoreOptions {
  /**
   * Open for reading only: the ledger must already exist at this build's schema version (never created or
   * migrated), and every write fails (SQLite: a read-only handle; PostgreSQL: read-only transactions).
   * Default false.
   */
  readonly?: boolean;
}

/**
 * Where cortex keeps its ledger (spend, holds, stored responses, neuron registrations): the embedded SQLite
 * file (`[ledger] path`, the default) or a PostgreSQL shared by several gateways (`[ledger] url`). Both run
 * the same versioned migrations at open and refuse a schema newer than this build knows.
 *
 * `reserve` decides in the store, atomically: with every gateway reserving against the same key, spend +
 * holds never pass the cap (PostgreSQL: a per-key transaction lock; SQLite: an immediate transaction).
 * `record` writes the request's row and drops its hold in one transaction; a second `record` of the same
 * reservation changes nothing (false), so a hold charged by another gateway is never charged twice.
 */
export interface LedgerStore {
  readonly kind: "sqlite" | "postgres";
  /** The file path, or the URL without its password: safe to log. */
  readonly location: string;
  reserve(request: ReservationRequest): Promise<ReserveOutcome>;
  record(row: LedgerRow): Promise<boolean>;
  spendOf(keyId: string, budget: Budget, nowMs: number): Promise<KeySpend>;
  /** Pushes the lease of every hold `owner` took to `expiresMs`; returns how many it renewed. */
  renewLeases(owner: string, expiresMs: number): Promise<number>;
  /** Holds whose lease ran out before `nowMs` (their gateway stopped renewing: it died), oldest first. */
  expiredHolds(nowMs: number): Promise<HoldRow[]>;
  readonly responses: ResponseStore;
  readonly registrations: RegistrationStore;
  readonly totals: LedgerTotals;
  /** Closes the connection(s); `responses.close()` leaves them to this. */
  close(): Promise<void>;
}
