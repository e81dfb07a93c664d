/** One admin action as the dashboard lists it. */
export interface AdminAction {
  id: number;
  action: "load" | "unload" | "pin" | "unpin";
  model: string;
  node: string;
  state: "running" | "done" | "failed";
  /** Why it failed (the neuron's reason, without host paths). */
  message: string | null;
  /** Who asked: the key id, or null in open mode. */
  by: string | null;
  started_at: string;
  finished_at: string | null;
}

/** The last 20 admin actions, newest first, in memory. */
export interface ActionLog {
  start(entry: Pick<AdminAction, "action" | "model" | "node" | "by">): AdminAction;
  finish(entry: AdminAction, outcome: { ok: true } | { ok: false; message: string }): void;
  list(): readonly AdminAction[];
}

const KEEP = 20;

export function createActionLog(now: () => number): ActionLog {
  const entries: AdminAction[] = [];
  let nextId = 1;
  return {
    start(fields) {
      const entry: AdminAction = {
        id: nextId++,
        ...fields,
        state: "running",
        message: null,
        started_at: new Date(now()).toISOString(),
        finished_at: null,
      };
      entries.unshift(entry);
      entries.splice(KEEP);
      return entry;
    },
    finish(entry, outcome) {
      entry.state = outcome.ok ? "done" : "failed";
      entry.message = outcome.ok ? null : outcome.message;
      entry.finished_at = new Date(now()).toISOString();
    },
    list: () => entries,
  };
}
