import {
  type Discovery,
  discoverySchema,
  type Health,
  healthSchema,
  type ModelList,
  modelListSchema,
} from "@helexa/core";
import type { ReplyMemo } from "./create-reply-memo.js";
import { type FetchFunction, getNeuronJson } from "./neuron-client.js";
import type { NodeState } from "./node-state.js";

export interface PollNodeOptions {
  fetch: FetchFunction;
  timeoutMs: number;
  /** Replies already validated: an unchanged body (a neuron's `/models`, most rounds) is not parsed again. */
  memo?: ReplyMemo;
}

/** What one poll of a neuron read; `FleetState.recordPoll` applies it. */
export interface NodePoll {
  /** `/discovery`, when it was asked for (the node had not answered it yet) and answered. */
  discovery: Discovery | null;
  /** `/models`, which alone decides health, or why it failed. */
  models: { ok: true; value: ModelList } | { ok: false; message: string };
  /** `/health` (load, devices, activation, draining), or null when it failed. */
  health: Health | null;
}

/** What one poll found, for logging transitions. */
export interface PollOutcome {
  wasHealthy: boolean;
  healthy: boolean;
  error: string | null;
}

/**
 * Polls one neuron: `/discovery` until it has answered once, then `/models` and `/health` together.
 * Never throws; it changes nothing (hand the result to `FleetState.recordPoll`).
 */
export async function pollNode(node: NodeState, options: PollNodeOptions): Promise<NodePoll> {
  const { fetch, timeoutMs, memo } = options;
  const [discovery, models, health] = await Promise.all([
    node.discovery === null ? getNeuronJson(fetch, node, "/discovery", discoverySchema, timeoutMs) : null,
    getNeuronJson(fetch, node, "/models", modelListSchema, timeoutMs, memo),
    getNeuronJson(fetch, node, "/health", healthSchema, timeoutMs, memo),
  ]);
  return {
    discovery: discovery?.ok ? discovery.value : null,
    models: models.ok ? { ok: true, value: models.value } : { ok: false, message: models.message },
    health: health.ok ? health.value : null,
  };
}
