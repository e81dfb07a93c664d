import type { Logger } from "../internal/logger.js";
import { createReplyMemo } from "./create-reply-memo.js";
import type { FleetState } from "./fleet-state.js";
import type { FetchFunction } from "./neuron-client.js";
import { pollNode } from "./poll-node.js";

export interface PollerOptions {
  fleet: FleetState;
  fetch: FetchFunction;
  logger: Logger;
  intervalMs: number;
  timeoutMs: number;
  unhealthyAfterFailures: number;
  now: () => number;
  /** Called after every poll round (metrics gauges). */
  onRound?: () => void;
}

export interface Poller {
  /** One round over every node, concurrently. */
  pollOnce(): Promise<void>;
  /** Polls one node now (after a cold load, so its limits are known before the next round). */
  pollNode(name: string): Promise<void>;
  /** First round at once, then every `intervalMs` after the previous round ends. */
  start(): void;
  stop(): void;
}

/** The fleet poller. Rounds never overlap; a slow node delays only its own round by at most the timeout. */
export function createPoller(options: PollerOptions): Poller {
  const { fleet, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let current: Promise<void> | undefined;

  // What was last logged per node: the first poll of each is logged whatever it finds (a neuron that is
  // down from the start is never "healthy, then unhealthy"), then every change of state and of reason.
  const reported = new Map<string, string>();
  const pollOptions = { fetch: options.fetch, timeoutMs: options.timeoutMs, memo: createReplyMemo() };
  const pollOne = async (name: string) => {
    const node = fleet.node(name);
    if (node === undefined) return;
    // pollNode sends /health in this same turn: a request cortex starts after the mark is not in the reply.
    const healthSent = fleet.markHealthPollSent(node);
    const poll = await pollNode(node, pollOptions);
    const outcome = fleet.recordPoll(node, poll, {
      unhealthyAfterFailures: options.unhealthyAfterFailures,
      now: options.now(),
      healthSent,
    });
    const state = outcome.healthy ? "healthy" : `unhealthy: ${outcome.error ?? "unknown"}`;
    if (reported.get(name) === state) return;
    reported.set(name, state);
    if (outcome.healthy) logger.info({ event: "node_healthy", node: node.name }, "node is healthy");
    else
      logger.warn(
        { event: "node_unhealthy", node: node.name, reason: outcome.error ?? "unknown" },
        `node ${node.name} is unhealthy: ${outcome.error ?? "unknown"}`,
      );
  };

  const pollOnce = async () => {
    await Promise.all(fleet.nodes.map((node) => pollOne(node.name)));
    options.onRound?.();
  };

  const loop = () => {
    current = pollOnce()
      .catch((error: unknown) => logger.error({ event: "poll_failed", err: error }, "poll round failed"))
      .finally(() => {
        if (running) timer = setTimeout(loop, options.intervalMs);
      });
  };

  return {
    pollOnce,
    pollNode: pollOne,
    start() {
      if (running) return;
      running = true;
      loop();
    },
    stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      void current;
    },
  };
}
