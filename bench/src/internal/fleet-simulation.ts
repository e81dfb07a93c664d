import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type FakeNeuronFleet, fleetCortexToml, startFakeNeuronFleet } from "./fake-neuron-fleet.js";
import { cortexCliPath } from "./start-cortex.js";
import { listeningLine, type StartedProcess, startProcess } from "./start-process.js";

/**
 * Each request to a gateway on a connection of its own. A pooled keep-alive connection that sat idle close
 * to cortex's keep-alive timeout can be closed by cortex just as fetch reuses it ("other side closed"): on a
 * loaded machine a few of a burst's requests failed that way, which says nothing about routing.
 */
const fresh = { connection: "close" } as const;

/** The model every fake neuron serves. */
export const simulatedModel = "sim-model";

export interface SimulatedGateway {
  process: StartedProcess;
  url: string;
}

/** What one burst of held requests did: where each landed, and how each ended. */
export interface SpreadResult {
  /** Requests each neuron received during the burst, in fleet order. */
  perNeuron: number[];
  /** Each request: 200, or its status and the start of its body (or why fetch failed), gateway by gateway. */
  statuses: Array<200 | string>;
}

export interface FleetSimulation {
  fleet: FakeNeuronFleet;
  gateways: SimulatedGateway[];
  /** Waits until every gateway reports every neuron healthy. */
  waitUntilHealthy(): Promise<void>;
  /**
   * Sends `perGateway` chat requests to each gateway at once while the neurons hold them open, so each
   * routing decision sees the load of the ones before it (as requests that take a while do); once all have
   * reached a neuron it counts where they landed, then lets them finish.
   */
  spread(perGateway: number): Promise<SpreadResult>;
  close(): Promise<void>;
}

/**
 * The issue's fleet of hundreds on one machine: `neurons` fake neurons (`startFakeNeuronFleet`) and
 * `gateways` real cortex processes, each configured with every neuron as a static `[[neurons]]` entry.
 * `pollIntervalMs` absent = cortex's default.
 */
export async function startFleetSimulation(options: {
  root: string;
  scratch: string;
  neurons: number;
  gateways: number;
  pollIntervalMs?: number;
  /**
   * Absent = cortex's default. The fake neurons answer from one process that also holds every burst's
   * requests, so on a loaded machine a poll can outlast the default and mark the whole fleet down.
   */
  pollTimeoutMs?: number;
}): Promise<FleetSimulation> {
  const fleet = await startFakeNeuronFleet({ count: options.neurons, model: simulatedModel, sequences: 4 });
  const gateways: SimulatedGateway[] = [];
  try {
    for (let index = 0; index < options.gateways; index += 1) {
      const configPath = join(options.scratch, `fleet-cortex-${index}.toml`);
      await writeFile(
        configPath,
        fleetCortexToml(fleet.neurons, {
          ledgerPath: join(options.scratch, `fleet-ledger-${index}.sqlite`),
          ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
          ...(options.pollTimeoutMs === undefined ? {} : { pollTimeoutMs: options.pollTimeoutMs }),
        }),
      );
      const process_ = await startProcess({
        name: `cortex-${index}`,
        command: process.execPath,
        args: [cortexCliPath(options.root), "serve", "--config", configPath],
        cwd: options.scratch,
        readyLine: listeningLine,
        timeoutMs: 60_000,
      });
      gateways.push({ process: process_, url: String(process_.ready.url).replace(/\/$/, "") });
    }
  } catch (error) {
    await Promise.all(gateways.map((gateway) => gateway.process.stop()));
    await fleet.close();
    throw error;
  }

  const healthyCount = async (gateway: SimulatedGateway) => {
    try {
      const body = (await (await fetch(`${gateway.url}/health`, { headers: fresh })).json()) as {
        nodes: { healthy: number };
      };
      return body.nodes.healthy;
    } catch (error) {
      if (gateway.process.child.exitCode !== null)
        throw new Error(`${gateway.process.name} exited:\n${gateway.process.recentOutput()}`);
      throw new Error(`${gateway.process.name} /health: ${describeFetchFailure(error)}`);
    }
  };

  return {
    fleet,
    gateways,
    async waitUntilHealthy() {
      for (;;) {
        const counts = await Promise.all(gateways.map(healthyCount));
        if (counts.every((count) => count === options.neurons)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async spread(perGateway) {
      const before = fleet.neurons.map((neuron) => neuron.received);
      const expected = fleet.received() + perGateway * gateways.length;
      fleet.hold(true);
      const responses = gateways.flatMap((gateway) =>
        Array.from({ length: perGateway }, () =>
          fetch(`${gateway.url}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json", ...fresh },
            body: JSON.stringify({
              model: simulatedModel,
              messages: [{ role: "user", content: "hi" }],
              max_tokens: 1,
            }),
          }).then(
            async (response) => {
              const text = await response.text();
              // A refusal keeps its reason, so a failing spread says why.
              return response.status === 200 ? 200 : `${response.status} ${text.slice(0, 200)}`;
            },
            (error: unknown) => `fetch failed: ${describeFetchFailure(error)}`,
          ),
        ),
      );
      // Every request reaches a neuron, unless one failed on the way (then its status says why).
      let settled = 0;
      for (const response of responses) void response.then(() => (settled += 1));
      while (fleet.received() < expected && settled === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      const perNeuron = fleet.neurons.map((neuron, index) => neuron.received - (before[index] ?? 0));
      fleet.hold(false);
      fleet.release();
      return { perNeuron, statuses: await Promise.all(responses) };
    },
    async close() {
      await Promise.all(gateways.map((gateway) => gateway.process.stop()));
      await fleet.close();
    },
  };
}

/** fetch's own message ("fetch failed") says nothing: add its cause's code and message. */
function describeFetchFailure(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (!(cause instanceof Error)) return String(error);
  const code = (cause as { code?: unknown }).code;
  return `${String(error)} (${typeof code === "string" ? `${code}: ` : ""}${cause.message})`;
}
