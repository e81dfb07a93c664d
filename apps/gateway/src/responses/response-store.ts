/**
 * One stored Responses API reply (`store: true`, the default): what a later `previous_response_id` needs
 * to rebuild the conversation, and what `GET /v1/responses/{id}` returns.
 */
export interface StoredResponse {
  /** The response's id (`resp_…`), as the neuron made it. */
  id: string;
  /** Whose it is: the API key id that created it; null for an anonymous caller (open mode). */
  owner: string | null;
  model: string;
  /** The request's input items as the neuron saw them (after `previous_response_id` expansion). */
  input: unknown[];
  /** The request's `instructions` (not carried to the next turn; kept for the record). */
  instructions: string | null;
  /** The whole Response object (`object: "response"`, with `output` and `usage`). */
  response: Record<string, unknown>;
  /** ms since the epoch when it was stored. */
  createdAtMs: number;
}

/**
 * Where cortex keeps stored responses. Every lookup is scoped to the owner: another key's id is as good
 * as missing. Entries older than the retention window are gone.
 */
export interface ResponseStore {
  /** Never throws for a failed write of a shared store: that is logged, and the reply still goes out. */
  put(stored: StoredResponse): void;
  /** A shared (PostgreSQL) store answers with a promise; the in-process ones at once. */
  get(id: string, owner: string | null): StoredResponse | undefined | Promise<StoredResponse | undefined>;
  /** True when it was there (and is now deleted). */
  delete(id: string, owner: string | null): boolean | Promise<boolean>;
  close(): void;
}

/** A store in this process (memory, the SQLite file): every answer is immediate. */
export interface LocalResponseStore extends ResponseStore {
  get(id: string, owner: string | null): StoredResponse | undefined;
  delete(id: string, owner: string | null): boolean;
}
