import type { z } from "zod";
import type { NodeState } from "./node-state.js";

/**
 * The last body each node answered a path with, and what it validated to. Validation is a pure function of
 * the body's text and the schema, so a poll that reads the same text again reuses the value instead of
 * parsing and validating it again: a neuron's `/models` seldom changes between polls. Held per node in a
 * `WeakMap`, so a node removed from the fleet takes its entries with it; one entry (the newest) per path.
 */
export interface ReplyMemo {
  /** The value `text` validated to when it was the node's last valid reply at `path` under `schema`. */
  recall(node: NodeState, path: string, schema: z.ZodType, text: string): { value: unknown } | undefined;
  /** Remembers a reply that validated, replacing the path's previous one. */
  remember(node: NodeState, path: string, schema: z.ZodType, text: string, value: unknown): void;
}

interface Remembered {
  schema: z.ZodType;
  text: string;
  value: unknown;
}

export function createReplyMemo(): ReplyMemo {
  const byNode = new WeakMap<NodeState, Map<string, Remembered>>();
  return {
    recall(node, path, schema, text) {
      const remembered = byNode.get(node)?.get(path);
      if (remembered === undefined || remembered.schema !== schema || remembered.text !== text)
        return undefined;
      return { value: remembered.value };
    },
    remember(node, path, schema, text, value) {
      let paths = byNode.get(node);
      if (paths === undefined) {
        paths = new Map();
        byNode.set(node, paths);
      }
      paths.set(path, { schema, text, value });
    },
  };
}
