import { waitFor } from "@helexa/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestOutcome } from "./support/check-reply.js";
import { runLoad } from "./support/run-load.js";
import { type FaultFleet, startFaultFleet } from "./support/start-fault-fleet.js";

// Two real neurons (tiny model) behind a real cortex with API keys on, under concurrent streaming and
// whole-answer load; one fault per test, in this order (the last leaves one neuron). Every request must
// settle, every stream end with a finish or an error frame and [DONE], every refusal be a clean envelope,
// and the ledger's spend equal the usage the clients received.
const CLIENTS = 8;
const REQUESTS_PER_CLIENT = 6;
const SETTLE_BOUND_MS = 60_000;

let fleet: FaultFleet;

beforeAll(async () => {
  fleet = await startFaultFleet();
});

afterAll(async () => {
  await fleet?.stop();
});

interface FaultReport {
  outcomes: RequestOutcome[];
  restarts: number;
  ledgerSpend: number;
  clientSpend: number;
  reserved: number;
}

async function workerPids(): Promise<Array<number | undefined>> {
  return Promise.all(fleet.neurons.map(async (neuron) => (await neuron.model())?.worker_pid));
}

/** Runs the load with `inject` as its fault, waits for the fleet to recover, and prints one summary line. */
async function underFault(name: string, inject?: () => Promise<void>): Promise<FaultReport> {
  await fleet.ready();
  const pidsBefore = await workerPids();
  const before = await fleet.usage();
  const outcomes = await runLoad({
    cortexUrl: fleet.cortexUrl,
    headers: fleet.headers,
    clients: CLIENTS,
    requestsPerClient: REQUESTS_PER_CLIENT,
    settleBoundMs: SETTLE_BOUND_MS,
    ...(inject === undefined ? {} : { fault: { after: CLIENTS, inject } }),
  });
  await fleet.ready();
  const pidsAfter = await workerPids();
  // Every request has settled on the client's side; cortex settles its holds as the replies end. The bound
  // is against a hold never released: 10 s was a speed bound on a fleet that has just been through a fault.
  const after = await waitFor(
    async () => {
      const usage = await fleet.usage();
      return usage.reserved === 0 ? usage : undefined;
    },
    120_000,
    "cortex to release every hold",
  ).catch(() => fleet.usage());
  const restarts = pidsBefore.filter(
    (pid, index) => pid !== undefined && pidsAfter[index] !== undefined && pidsAfter[index] !== pid,
  ).length;
  const report: FaultReport = {
    outcomes,
    restarts,
    ledgerSpend: after.spent - before.spent,
    clientSpend: outcomes.reduce((sum, outcome) => sum + outcome.usageTokens, 0),
    reserved: after.reserved,
  };
  console.log(summaryLine(name, report));
  for (const outcome of outcomes.filter((entry) => entry.problem !== undefined))
    console.log(
      `[faults] ${name}: ${outcome.stream ? "stream" : "whole"} ${outcome.status}: ${outcome.problem}`,
    );
  return report;
}

function summaryLine(name: string, report: FaultReport): string {
  const count = (test: (outcome: RequestOutcome) => boolean) => report.outcomes.filter(test).length;
  const statuses: Record<string, number> = {};
  for (const outcome of report.outcomes) statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
  return [
    `[faults] ${name}:`,
    `requests=${report.outcomes.length}`,
    `statuses=${JSON.stringify(statuses)}`,
    `5xx=${count((outcome) => outcome.status >= 500)}`,
    `finished=${count((outcome) => outcome.end === "finish")}`,
    `error_frames=${count((outcome) => outcome.end === "error_frame")}`,
    `hangs=${count((outcome) => outcome.end === "hang")}`,
    `malformed=${count((outcome) => outcome.end === "malformed")}`,
    `restarts=${report.restarts}`,
    `spend_ledger=${report.ledgerSpend}`,
    `spend_clients=${report.clientSpend}`,
    `spend_difference=${report.ledgerSpend - report.clientSpend}`,
    `reserved_left=${report.reserved}`,
  ].join(" ");
}

/** What holds under every fault. */
function expectClean(report: FaultReport): void {
  const ends = report.outcomes.map((outcome) => outcome.end);
  expect(report.outcomes).toHaveLength(CLIENTS * REQUESTS_PER_CLIENT);
  expect(ends.filter((end) => end === "hang")).toEqual([]);
  expect(report.outcomes.filter((outcome) => outcome.end === "malformed")).toEqual([]);
  expect(ends).toContain("finish");
  expect(report.reserved).toBe(0);
  expect(report.ledgerSpend).toBe(report.clientSpend);
}

describe("faults under load", () => {
  it("none (the baseline): every request finishes", async () => {
    const report = await underFault("none");
    expectClean(report);
    expect(report.outcomes.every((outcome) => outcome.end === "finish")).toBe(true);
    expect(report.restarts).toBe(0);
  });

  it("SIGSTOP a worker: it is noticed as stalled, killed and replaced", async () => {
    const neuron = fleet.neurons[0];
    if (neuron === undefined) throw new Error("no neuron");
    let stopped: number | undefined;
    const report = await underFault("SIGSTOP worker", async () => {
      stopped = (await neuron.model())?.worker_pid;
      if (stopped !== undefined) process.kill(stopped, "SIGSTOP");
    });
    if (stopped !== undefined) {
      try {
        // Only if the neuron did not kill it: let it go so nothing is left stopped.
        process.kill(stopped, "SIGCONT");
      } catch {
        // gone, as it should be
      }
    }
    expect(stopped).toBeGreaterThan(0);
    expect(() => process.kill(stopped as number, 0)).toThrow();
    expect(report.restarts).toBe(1);
    expectClean(report);
  });

  it("SIGKILL a worker: its requests end cleanly and the model reloads", async () => {
    const neuron = fleet.neurons[0];
    if (neuron === undefined) throw new Error("no neuron");
    const report = await underFault("SIGKILL worker", async () => {
      const pid = (await neuron.model())?.worker_pid;
      if (pid !== undefined) process.kill(pid, "SIGKILL");
    });
    expect(report.restarts).toBe(1);
    expectClean(report);
  });

  it("SIGKILL a neuron: cortex routes around it", async () => {
    const neuron = fleet.neurons[0];
    if (neuron === undefined) throw new Error("no neuron");
    const report = await underFault("SIGKILL neuron", async () => {
      neuron.service.child.kill("SIGKILL");
    });
    expect(neuron.service.child.signalCode).toBe("SIGKILL");
    expectClean(report);
  });
});
