import type { ResponseStore, StoredResponse } from "./response-store.js";

export interface MemoryResponseStoreOptions {
  /** Entries kept at most; the least recently used goes first. */
  maxEntries: number;
  retentionMs: number;
  now: () => number;
}

/**
 * The store of a cortex without entitlements (no ledger): a bounded in-memory LRU, lost on restart.
 */
export function createMemoryResponseStore(options: MemoryResponseStoreOptions): ResponseStore {
  const entries = new Map<string, StoredResponse>();
  const live = (stored: StoredResponse) => options.now() - stored.createdAtMs < options.retentionMs;
  return {
    put(stored) {
      entries.delete(stored.id);
      entries.set(stored.id, stored);
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    get(id, owner) {
      const stored = entries.get(id);
      if (stored === undefined || stored.owner !== owner) return undefined;
      if (!live(stored)) {
        entries.delete(id);
        return undefined;
      }
      entries.delete(id);
      entries.set(id, stored);
      return stored;
    },
    delete(id, owner) {
      const stored = entries.get(id);
      if (stored === undefined || stored.owner !== owner) return false;
      entries.delete(id);
      return live(stored);
    },
    close() {
      entries.clear();
    },
  };
}
