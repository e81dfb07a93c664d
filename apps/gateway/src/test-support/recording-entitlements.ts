import { insufficientQuota, invalidApiKey } from "@helexa/core";
import type {
  Entitlements,
  Identity,
  Reservation,
  SettleDetails,
  Usage,
} from "../entitlements/entitlements.js";
import { clientHeader } from "../internal/client-headers.js";

/** One call the dispatch made on the entitlements. */
export type EntitlementsCall =
  | { kind: "reserve"; identity: Identity | null; tokens: number }
  | { kind: "settle"; id: number; usage: Usage; details: SettleDetails }
  | { kind: "release"; id: number; details: SettleDetails };

/**
 * A minimal in-memory `Entitlements` that records every call: one key `sk-test` (acct/key), an optional
 * cap over reserved + spent, anonymous allowed unless `requireAuth`.
 */
export function createRecordingEntitlements(options: { cap?: number; requireAuth?: boolean } = {}) {
  const calls: EntitlementsCall[] = [];
  let nextId = 1;
  let reserved = 0;
  let spent = 0;
  const entitlements: Entitlements = {
    authenticate(headers) {
      const header = clientHeader(headers, "authorization");
      if (header === null) {
        if (options.requireAuth) throw invalidApiKey("missing API key");
        return null;
      }
      if (header !== "Bearer sk-test") throw invalidApiKey("invalid API key");
      return { keyId: "key-1", accountId: "acct-1" };
    },
    reserve(identity, tokens) {
      calls.push({ kind: "reserve", identity, tokens });
      if (identity !== null && options.cap !== undefined && spent + reserved + tokens > options.cap) {
        throw insufficientQuota("hard balance exhausted");
      }
      if (identity !== null) reserved += tokens;
      return { id: nextId++, identity, tokens } satisfies Reservation;
    },
    settle(reservation, usage, details) {
      calls.push({ kind: "settle", id: reservation.id, usage, details });
      if (reservation.identity !== null) {
        reserved -= reservation.tokens;
        spent += usage.promptTokens + usage.completionTokens;
      }
    },
    release(reservation, details) {
      calls.push({ kind: "release", id: reservation.id, details });
      if (reservation.identity !== null) reserved -= reservation.tokens;
    },
    dispose() {},
  };
  return {
    entitlements,
    calls,
    snapshot: () => ({ reserved, spent }),
    /** Settles and releases per reservation id: each must be exactly 1. */
    endings(): Map<number, number> {
      const counts = new Map<number, number>();
      for (const call of calls) {
        if (call.kind === "settle" || call.kind === "release")
          counts.set(call.id, (counts.get(call.id) ?? 0) + 1);
      }
      return counts;
    },
  };
}
