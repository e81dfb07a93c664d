import { type Health, healthSchema } from "@helexa/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelInfo } from "../test-support/fake-neuron.js";
import { FleetState, type ReplicaTicket } from "./fleet-state.js";
import type { NodePoll } from "./poll-node.js";

/**
 * cortex's own load bookkeeping against the `/health` polls: the neuron's reply counts the requests it
 * had when it answered, which can include only those cortex started before it sent that `/health`. A
 * request started after the send stays counted by cortex until a later poll's reply.
 */

const MODELS = ["a", "b"] as const;
const options = { unhealthyAfterFailures: 2, now: 1 };

function pollReporting(load: Record<string, { in_flight: number; queue_depth: number }>): NodePoll {
  const health: Health = healthSchema.parse({
    uptime_secs: 1,
    devices: [],
    models: Object.entries(load).map(([id, numbers]) => ({ id, ...numbers })),
  });
  return { discovery: null, models: { ok: true, value: MODELS.map((id) => modelInfo(id)) }, health };
}

function setup() {
  const fleet = new FleetState([{ name: "n", endpoint: "http://127.0.0.1:1" }], {
    models: [],
    aliases: {},
  });
  const node = fleet.node("n");
  if (node === undefined) throw new Error("node missing");
  return { fleet, node };
}

describe("FleetState load across a /health poll in flight", () => {
  it("a request started before the send is in the reply's numbers; one started after it stays counted", () => {
    const { fleet, node } = setup();
    const before = fleet.startRequest(node, "a", 1);
    const sent = fleet.markHealthPollSent(node);
    const after = fleet.startRequest(node, "a", 2);
    expect(fleet.replicaLoad(node, "a")).toBe(2);
    // The neuron answered with the one request it had seen.
    fleet.recordPoll(node, pollReporting({ a: { in_flight: 1, queue_depth: 0 } }), {
      ...options,
      healthSent: sent,
    });
    expect(fleet.replicaLoad(node, "a")).toBe(2);
    expect(node.sincePoll.get("a")).toBe(1);

    // The later one finishing takes it off cortex's count; the earlier one is the polled number's business.
    fleet.finishRequest(after);
    expect(fleet.replicaLoad(node, "a")).toBe(1);
    fleet.finishRequest(before);
    expect(fleet.replicaLoad(node, "a")).toBe(1);
    expect(fleet.freshReplicaLoad(node, "a")).toBe(0);
    expect(node.active.get("a")).toBeUndefined();
  });

  it("a request that finished before the reply arrived is counted nowhere after it", () => {
    const { fleet, node } = setup();
    const sent = fleet.markHealthPollSent(node);
    const quick = fleet.startRequest(node, "a", 1);
    fleet.finishRequest(quick);
    fleet.recordPoll(node, pollReporting({ a: { in_flight: 0, queue_depth: 0 } }), {
      ...options,
      healthSent: sent,
    });
    expect(fleet.replicaLoad(node, "a")).toBe(0);
    fleet.finishRequest(quick);
    expect(fleet.replicaLoad(node, "a")).toBe(0);
    expect(fleet.freshReplicaLoad(node, "a")).toBe(0);
  });

  it("a reply overtaken by a later poll's reply changes no load", () => {
    const { fleet, node } = setup();
    const first = fleet.markHealthPollSent(node);
    const ticket = fleet.startRequest(node, "a", 1);
    const second = fleet.markHealthPollSent(node);
    fleet.recordPoll(node, pollReporting({ a: { in_flight: 1, queue_depth: 2 } }), {
      ...options,
      healthSent: second,
    });
    expect(fleet.replicaLoad(node, "a")).toBe(3);
    fleet.recordPoll(node, pollReporting({ a: { in_flight: 0, queue_depth: 0 } }), {
      ...options,
      healthSent: first,
    });
    expect(fleet.replicaLoad(node, "a")).toBe(3);
    fleet.finishRequest(ticket);
    expect(fleet.freshReplicaLoad(node, "a")).toBe(2);
  });

  it("a poll without a send mark counts every request started so far as in its reply", () => {
    const { fleet, node } = setup();
    const ticket = fleet.startRequest(node, "a", 1);
    fleet.recordPoll(node, pollReporting({ a: { in_flight: 1, queue_depth: 0 } }), options);
    expect(fleet.replicaLoad(node, "a")).toBe(1);
    const later = fleet.startRequest(node, "a", 2);
    expect(fleet.replicaLoad(node, "a")).toBe(2);
    fleet.finishRequest(later);
    fleet.finishRequest(ticket);
    expect(fleet.replicaLoad(node, "a")).toBe(1);
    expect(fleet.freshReplicaLoad(node, "a")).toBe(0);
  });

  it("a send mark changes nothing a snapshot shows (no version bump); the reply does", () => {
    const { fleet, node } = setup();
    const version = node.version;
    const sent = fleet.markHealthPollSent(node);
    expect(node.version).toBe(version);
    fleet.recordPoll(node, pollReporting({ a: { in_flight: 0, queue_depth: 0 } }), {
      ...options,
      healthSent: sent,
    });
    expect(node.version).toBeGreaterThan(version);
  });

  type Step =
    | { kind: "start"; model: number }
    | { kind: "finish"; pick: number }
    | { kind: "send" }
    | { kind: "reply"; pick: number; healthy: boolean; inFlight: number; queue: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant("start" as const), model: fc.nat({ max: MODELS.length - 1 }) }),
    fc.record({ kind: fc.constant("finish" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("send" as const) }),
    fc.record({
      kind: fc.constant("reply" as const),
      pick: fc.nat(),
      healthy: fc.boolean(),
      inFlight: fc.nat({ max: 5 }),
      queue: fc.nat({ max: 5 }),
    }),
  );

  interface ModelRequest {
    model: string;
    /** How many `/health` sends came before it started. */
    startedAfterSends: number;
    ticket: ReplicaTicket;
    done: boolean;
    /** Finished after the reply now applied (which counted it), so fresh load leaves it out. */
    doneSinceApplied: boolean;
  }

  it("replicaLoad is the reply's numbers plus the outstanding requests started after its send, whatever the order", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const { fleet, node } = setup();
        const requests: ModelRequest[] = [];
        const sends: Array<{ mark: number; replied: boolean }> = [];
        let sendsSoFar = 0;
        // The send whose reply the polled numbers come from (0: none yet), and those numbers.
        let appliedSend = 0;
        let polled = new Map<string, number>();

        for (const current of steps) {
          if (current.kind === "start") {
            const model = MODELS[current.model] ?? "a";
            requests.push({
              model,
              startedAfterSends: sendsSoFar,
              ticket: fleet.startRequest(node, model, 1),
              done: false,
              doneSinceApplied: false,
            });
          } else if (current.kind === "finish") {
            // Any request, finished or not: a second finish must change nothing.
            const request = requests[current.pick % Math.max(1, requests.length)];
            if (request === undefined) continue;
            fleet.finishRequest(request.ticket);
            if (!request.done && request.startedAfterSends < appliedSend) request.doneSinceApplied = true;
            request.done = true;
          } else if (current.kind === "send") {
            sendsSoFar += 1;
            sends.push({ mark: fleet.markHealthPollSent(node), replied: false });
          } else {
            const waiting = sends.filter((send) => !send.replied);
            const send = waiting[current.pick % Math.max(1, waiting.length)];
            if (send === undefined) continue;
            send.replied = true;
            const sendNumber = sends.indexOf(send) + 1;
            const numbers = { in_flight: current.inFlight, queue_depth: current.queue };
            const poll = pollReporting({ a: numbers });
            fleet.recordPoll(node, current.healthy ? poll : { ...poll, health: null }, {
              ...options,
              healthSent: send.mark,
            });
            // An older reply than the one applied, or a failed /health, leaves the numbers as they were.
            if (current.healthy && sendNumber > appliedSend) {
              appliedSend = sendNumber;
              polled = new Map([["a", numbers.in_flight + numbers.queue_depth]]);
              for (const request of requests) request.doneSinceApplied = false;
            }
          }

          for (const model of MODELS) {
            const outstanding = requests.filter((request) => request.model === model && !request.done);
            const notInReply = outstanding.filter((request) => request.startedAfterSends >= appliedSend);
            const expected = (polled.get(model) ?? 0) + notInReply.length;
            expect(fleet.replicaLoad(node, model)).toBe(expected);
            const finishedSince = requests.filter(
              (request) => request.model === model && request.doneSinceApplied,
            ).length;
            expect(fleet.freshReplicaLoad(node, model)).toBe(Math.max(0, expected - finishedSince));
            expect(node.active.get(model) ?? 0).toBe(outstanding.length);
            expect(node.sincePoll.get(model) ?? 0).toBe(notInReply.length);
            expect(node.sincePoll.get(model)).not.toBe(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
