import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKeyConfig, BudgetWindow } from "@helexa/core";
import type { Identity } from "../entitlements.js";

/** A `key_id`'s budget: `hardCap` null means uncapped (metered, never refused). */
export interface Budget {
  hardCap: number | null;
  window: BudgetWindow;
}

export interface KeyTable {
  /** The identity whose key hashes to the presented secret, or null. Constant time in the secret. */
  lookup(secret: string): Identity | null;
  /** Budgets by `key_id`; when keys share a `key_id`, the one listed last sets the budget. */
  budgets: ReadonlyMap<string, Budget>;
  /** Every configured `(key_id, account_id)` pair, for metrics and reports. */
  identities: readonly Identity[];
  /** Human-readable notes about the config (shared key ids with differing budgets), for a startup log. */
  warnings: readonly string[];
}

interface HashedKey {
  hash: Buffer;
  identity: Identity;
}

function sha256(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/**
 * Hashes every configured key once (or takes its `key_sha256`). A lookup hashes the presented secret and
 * compares it with every entry using `timingSafeEqual`, without stopping at a match, so neither the time
 * taken nor a map probe depends on how much of a secret was right.
 */
export function createKeyTable(keys: readonly ApiKeyConfig[]): KeyTable {
  const hashed: HashedKey[] = [];
  const budgets = new Map<string, Budget>();
  const identities = new Map<string, Identity>();
  const warnings: string[] = [];
  for (const entry of keys) {
    const keyId = entry.key_id ?? entry.account_id;
    // Only an admin carries a role, so a user key's identity reads as it always has.
    const role = entry.role === "admin" ? { role: entry.role } : {};
    const identity: Identity = { keyId, accountId: entry.account_id, ...role };
    const hash = entry.key !== undefined ? sha256(entry.key) : Buffer.from(entry.key_sha256 ?? "", "hex");
    if (hash.length !== 32)
      throw new Error(`entitlements key '${keyId}': expected a key or a 64-hex key_sha256`);
    hashed.push({ hash, identity });
    const budget: Budget = { hardCap: entry.hard_cap ?? null, window: entry.window };
    const previous = budgets.get(keyId);
    if (previous !== undefined && JSON.stringify(previous) !== JSON.stringify(budget)) {
      warnings.push(
        `keys sharing key_id '${keyId}' configure different budgets; the last one listed applies`,
      );
    }
    budgets.set(keyId, budget);
    identities.set(`${keyId}\u0000${entry.account_id}`, identity);
  }
  return {
    lookup(secret) {
      const presented = sha256(secret);
      let found: Identity | null = null;
      for (const entry of hashed) {
        if (timingSafeEqual(presented, entry.hash)) found = entry.identity;
      }
      return found;
    },
    budgets,
    identities: [...identities.values()],
    warnings,
  };
}
