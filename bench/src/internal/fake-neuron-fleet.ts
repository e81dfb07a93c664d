import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { discoverySchema, healthSchema, modelListSchema } from "@helexa/core";

/** One fake neuron of the fleet: its name, URL and what it has served. */
export interface FakeFleetNeuron {
  name: string;
  url: string;
  /** Chat requests received so far. */
  received: number;
  /** Chat requests being held open now (counted in its `/health` `in_flight`). */
  inFlight: number;
  /** Control-plane polls answered (`/models`, `/health`, `/discovery`). */
  polls: number;
}

export interface FakeNeuronFleet {
  neurons: readonly FakeFleetNeuron[];
  /** While on, chat requests are held open (and reported as in flight) until `release`. */
  hold(on: boolean): void;
  /** Answers every held request. */
  release(): void;
  /** Chat requests received by all neurons. */
  received(): number;
  close(): Promise<void>;
}

const json = (response: ServerResponse, body: string) =>
  response
    .writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    .end(body);

/**
 * `count` neuron stand-ins on loopback, each an HTTP server on its own port in this process, all serving
 * `model` loaded on CPU with `sequences` slots. Their control-plane replies (`/discovery`, `/models`,
 * `/health`) go through core's wire schemas, so they are what a real neuron sends; `/health` reports the
 * requests each is holding as `in_flight`, so cortex routes them by load as it routes real ones.
 * `/v1/chat/completions` answers a short completion (after `release` when holding).
 */
export async function startFakeNeuronFleet(options: {
  count: number;
  model: string;
  sequences?: number;
}): Promise<FakeNeuronFleet> {
  const sequences = options.sequences ?? 1_000;
  const servers: Server[] = [];
  const neurons: FakeFleetNeuron[] = [];
  let holding = false;
  const held: Array<() => void> = [];
  const models = JSON.stringify(
    modelListSchema.parse([
      {
        id: options.model,
        status: "loaded",
        devices: [],
        capabilities: ["text"],
        limit: { context: 4096, input: 4096, output: 4096 },
        sequences,
      },
    ]),
  );
  const startedAt = Date.now();
  for (let index = 0; index < options.count; index += 1) {
    const name = `sim-${String(index).padStart(3, "0")}`;
    const neuron: FakeFleetNeuron = { name, url: "", received: 0, inFlight: 0, polls: 0 };
    const discovery = JSON.stringify(
      discoverySchema.parse({
        hostname: name,
        os: "linux",
        kernel: "",
        devices: [],
        harnesses: ["llama.cpp"],
        max_prompt_tokens: 4096,
        gpu: "cpu",
      }),
    );
    const health = () =>
      JSON.stringify(
        healthSchema.parse({
          uptime_secs: (Date.now() - startedAt) / 1000,
          models: [
            {
              id: options.model,
              in_flight: neuron.inFlight,
              queue_depth: 0,
              max_in_flight: sequences,
              max_queue_depth: 8,
            },
          ],
        }),
      );
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const path = request.url ?? "";
      if (request.method === "GET") {
        neuron.polls += 1;
        if (path === "/models") return json(response, models);
        if (path === "/health") return json(response, health());
        if (path === "/discovery") return json(response, discovery);
        return response.writeHead(404).end();
      }
      if (path !== "/v1/chat/completions") return response.writeHead(404).end();
      request.resume();
      request.on("end", () => {
        neuron.received += 1;
        neuron.inFlight += 1;
        const answer = () => {
          neuron.inFlight -= 1;
          json(response, completion(options.model, name));
        };
        if (holding) held.push(answer);
        else answer();
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    neuron.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    servers.push(server);
    neurons.push(neuron);
  }
  return {
    neurons,
    hold(on) {
      holding = on;
    },
    release() {
      for (const answer of held.splice(0)) answer();
    },
    received: () => neurons.reduce((sum, neuron) => sum + neuron.received, 0),
    async close() {
      for (const answer of held.splice(0)) answer();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function completion(model: string, node: string): string {
  return JSON.stringify({
    id: `chatcmpl-${node}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: node }, finish_reason: "stop" }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });
}

/** `cortex.toml` for a gateway in front of the whole fake fleet (static `[[neurons]]`). */
export function fleetCortexToml(
  neurons: readonly FakeFleetNeuron[],
  options: { ledgerPath: string; pollIntervalMs?: number; pollTimeoutMs?: number },
): string {
  return [
    "[gateway]",
    'listen = "127.0.0.1:0"',
    'metrics_listen = "127.0.0.1:0"',
    ...(options.pollIntervalMs === undefined ? [] : [`poll_interval_ms = ${options.pollIntervalMs}`]),
    ...(options.pollTimeoutMs === undefined ? [] : [`poll_timeout_ms = ${options.pollTimeoutMs}`]),
    "[ledger]",
    `path = ${JSON.stringify(options.ledgerPath)}`,
    ...neurons.flatMap((neuron) => ["[[neurons]]", `name = "${neuron.name}"`, `endpoint = "${neuron.url}"`]),
    "",
  ].join("\n");
}
