import type { LocalResponseStore, StoredResponse } from "./response-store.js";

export interface MemoryResponseStoreOptions {
  /** Entries kept at most; the least recently used goes first. */
  maxEntries: number;
  /** Bound on the entries' JSON size together (a reply larger than this alone is not kept). */
  maxBytes: number;
  retentionMs: number;
  now: () => number;
}

interface Entry {
  stored: StoredResponse;
  bytes: number;
}

/**
 * The store of a cortex without entitlements (no ledger): a bounded in-memory LRU (entries and bytes), lost
 * on restart.
 */
export function createMemoryResponseStore(options: MemoryResponseStoreOptions): LocalResponseStore {
  const entries = new Map<string, Entry>();
  let totalBytes = 0;
  const drop = (id: string) => {
    const entry = entries.get(id);
    if (entry === undefined) return;
    entries.delete(id);
    totalBytes -= entry.bytes;
  };
  const live = (stored: StoredResponse) => options.now() - stored.createdAtMs < options.retentionMs;
  return {
    put(stored) {
      drop(stored.id);
      const bytes = JSON.stringify(stored.input).length + JSON.stringify(stored.response).length;
      if (bytes > options.maxBytes) return;
      entries.set(stored.id, { stored, bytes });
      totalBytes += bytes;
      while (entries.size > options.maxEntries || totalBytes > options.maxBytes) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        drop(oldest);
      }
    },
    get(id, owner) {
      const entry = entries.get(id);
      if (entry === undefined || entry.stored.owner !== owner) return undefined;
      drop(id);
      if (!live(entry.stored)) return undefined;
      entries.set(id, entry);
      totalBytes += entry.bytes;
      return entry.stored;
    },
    delete(id, owner) {
      const entry = entries.get(id);
      if (entry === undefined || entry.stored.owner !== owner) return false;
      drop(id);
      return live(entry.stored);
    },
    close() {
      entries.clear();
      totalBytes = 0;
    },
  };
}
