import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../internal/logger.js";
import {
  type FakeNeuron,
  type FakeNeuronOptions,
  modelInfo,
  startFakeNeuron,
} from "../test-support/fake-neuron.js";
import { createGate, waitFor } from "../test-support/gate.js";
import { createPoller } from "./create-poller.js";
import { FleetState } from "./fleet-state.js";
import type { FetchFunction } from "./neuron-client.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

async function setup(options: FakeNeuronOptions = {}, unhealthyAfterFailures = 2) {
  const neuron = await startFakeNeuron(options);
  neurons.push(neuron);
  const fleet = new FleetState([{ name: "poll-node", endpoint: neuron.url }], { models: [], aliases: {} });
  const poller = createPoller({
    fleet,
    fetch: globalThis.fetch,
    logger: silentLogger,
    intervalMs: 60_000,
    timeoutMs: 10_000,
    unhealthyAfterFailures,
    now: Date.now,
  });
  const node = fleet.node("poll-node");
  if (node === undefined) throw new Error("node missing");
  return { neuron, fleet, poller, node };
}

describe("poller", () => {
  it("discovers models and marks the node healthy", async () => {
    const { poller, node } = await setup({
      models: [modelInfo("a"), modelInfo("b", { status: "unloaded" })],
    });
    expect(node.healthy).toBe(false);
    await poller.pollOnce();
    expect(node.healthy).toBe(true);
    expect(node.lastPoll).not.toBeNull();
    expect(node.models.get("a")?.status).toBe("loaded");
    expect(node.models.get("b")?.status).toBe("unloaded");
    expect(node.discovery?.hostname).toBe("fake");
  });

  it("marks an unreachable node unhealthy after consecutive failures, and healthy again when it answers", async () => {
    const { neuron, poller, node } = await setup();
    await poller.pollOnce();
    expect(node.healthy).toBe(true);
    neuron.failPolls = true;
    await poller.pollOnce();
    expect(node.healthy).toBe(true);
    await poller.pollOnce();
    expect(node.healthy).toBe(false);
    neuron.failPolls = false;
    await poller.pollOnce();
    expect(node.healthy).toBe(true);
  });

  it("a node whose URL carries user:password@ (one the config would refuse) fails its poll without the password in the error", async () => {
    const fleet = new FleetState([{ name: "creds", endpoint: "http://admin:hunter2-secret@127.0.0.1:9" }], {
      models: [],
      aliases: {},
    });
    const poller = createPoller({
      fleet,
      fetch: globalThis.fetch,
      logger: silentLogger,
      intervalMs: 60_000,
      timeoutMs: 10_000,
      unhealthyAfterFailures: 1,
      now: Date.now,
    });
    await poller.pollOnce();
    const node = fleet.node("creds");
    expect(node?.healthy).toBe(false);
    expect(node?.lastError).toContain("includes credentials");
    expect(node?.lastError).toContain("http://127.0.0.1:9/models");
    expect(node?.lastError).not.toContain("hunter2");
  });

  it("marks a node whose process is gone unhealthy", async () => {
    const { neuron, poller, node } = await setup({}, 1);
    await poller.pollOnce();
    await neuron.close();
    await poller.pollOnce();
    expect(node.healthy).toBe(false);
    expect(node.lastError).not.toBeNull();
  });

  it("prunes models the neuron no longer reports", async () => {
    const { neuron, poller, node } = await setup({ models: [modelInfo("a"), modelInfo("b")] });
    await poller.pollOnce();
    neuron.models = [modelInfo("a")];
    await poller.pollOnce();
    expect([...node.models.keys()]).toEqual(["a"]);
  });

  it("captures activation, load, devices and draining from /health", async () => {
    const { poller, node } = await setup({
      models: [],
      health: {
        activation: { state: "pre_warming", pending: ["x"], in_progress: "y", completed: [], failed: [] },
        models: [{ id: "y", in_flight: 1, queue_depth: 2, max_in_flight: 2, max_queue_depth: 4 }],
        devices: [{ index: 0, vram_used_mb: 100, vram_free_mb: 900, utilization_pct: 0, temp_c: 40 }],
        draining: true,
      },
    });
    await poller.pollOnce();
    expect(node.healthy).toBe(true);
    expect(node.models.size).toBe(0);
    expect(node.activation?.pending).toEqual(["x"]);
    expect(node.activation?.in_progress).toBe("y");
    expect(node.load.get("y")?.queue_depth).toBe(2);
    expect(node.devices[0]?.vram_free_mb).toBe(900);
    expect(node.draining).toBe(true);
  });

  it("parses recovering as recovering", async () => {
    const { poller, node } = await setup({ models: [modelInfo("a", { status: "recovering" })] });
    await poller.pollOnce();
    expect(node.models.get("a")?.status).toBe("recovering");
  });

  it("treats a reply it cannot parse as a failed poll", async () => {
    const { neuron, poller, node } = await setup({}, 1);
    neuron.models = [{ ...modelInfo("a"), status: "exploded" as never }];
    await poller.pollOnce();
    expect(node.healthy).toBe(false);
    expect(node.lastError).toContain("status");
  });

  it("resets cortex's own in-flight count on every /health poll", async () => {
    const { fleet, poller, node } = await setup();
    await poller.pollOnce();
    const ticket = fleet.startRequest(node, "test-model", Date.now());
    expect(fleet.replicaLoad(node, "test-model")).toBe(1);
    await poller.pollOnce();
    expect(fleet.replicaLoad(node, "test-model")).toBe(0);
    fleet.finishRequest(ticket);
    expect(fleet.replicaLoad(node, "test-model")).toBe(0);
    expect(node.active.get("test-model")).toBeUndefined();
  });

  it("keeps counting a request started while /health was in flight, until a poll sent after it answers", async () => {
    const neuron = await startFakeNeuron({});
    neurons.push(neuron);
    const fleet = new FleetState([{ name: "poll-node", endpoint: neuron.url }], { models: [], aliases: {} });
    const gate = createGate();
    const held = { on: false, asked: false };
    // Holds /health on its way to the neuron while `held.on`: the reply cannot count what starts meanwhile.
    const fetch: FetchFunction = async (input, init) => {
      if (held.on && String(input).endsWith("/health")) {
        held.asked = true;
        await gate.promise;
      }
      return globalThis.fetch(input, init);
    };
    const poller = createPoller({
      fleet,
      fetch,
      logger: silentLogger,
      intervalMs: 60_000,
      timeoutMs: 10_000,
      unhealthyAfterFailures: 2,
      now: Date.now,
    });
    const node = fleet.node("poll-node");
    if (node === undefined) throw new Error("node missing");
    await poller.pollOnce();

    held.on = true;
    const round = poller.pollOnce();
    await waitFor(() => held.asked);
    const ticket = fleet.startRequest(node, "test-model", Date.now());
    gate.open();
    await round;
    // The neuron answered 0 in flight, but this request started after /health was sent.
    expect(fleet.replicaLoad(node, "test-model")).toBe(1);

    held.on = false;
    await poller.pollOnce();
    expect(fleet.replicaLoad(node, "test-model")).toBe(0);
    fleet.finishRequest(ticket);
    expect(fleet.replicaLoad(node, "test-model")).toBe(0);
    expect(node.active.get("test-model")).toBeUndefined();
  });
});

describe("poller logging", () => {
  it("logs a neuron that is down from the start, with its reason, then only changes of state", async () => {
    const neuron = await startFakeNeuron({});
    neurons.push(neuron);
    neuron.failPolls = true;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const lines: { level: string; fields: Record<string, unknown> }[] = [];
    const record =
      (level: string) =>
      (fields: Record<string, unknown>): void => {
        lines.push({ level, fields });
      };
    const fleet = new FleetState(
      [
        { name: "refusing", endpoint: neuron.url },
        { name: "gone", endpoint: `http://127.0.0.1:${closedPort}` },
      ],
      { models: [], aliases: {} },
    );
    const poller = createPoller({
      fleet,
      fetch: globalThis.fetch,
      logger: { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") },
      intervalMs: 60_000,
      timeoutMs: 10_000,
      unhealthyAfterFailures: 2,
      now: Date.now,
    });
    await poller.pollOnce();
    const warned = lines.filter((line) => line.level === "warn").map((line) => line.fields);
    expect(warned).toHaveLength(2);
    expect(warned.find((fields) => fields.node === "refusing")).toMatchObject({
      event: "node_unhealthy",
      reason: expect.stringMatching(/HTTP 5\d\d|not JSON/),
    });
    expect(warned.find((fields) => fields.node === "gone")).toMatchObject({
      event: "node_unhealthy",
      reason: "ECONNREFUSED",
    });
    await poller.pollOnce();
    expect(lines).toHaveLength(2);
    neuron.failPolls = false;
    await poller.pollOnce();
    expect(lines.slice(2).map((line) => [line.level, line.fields.event, line.fields.node])).toEqual([
      ["info", "node_healthy", "refusing"],
    ]);
  });
});
