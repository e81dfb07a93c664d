import type { LlamaContextSequence } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { JoinGate } from "./join-gate.js";

/** A stand-in with the internal method the gate wraps; records the order evaluations reach it. */
function fakeSequence(name: string, order: string[]) {
  return {
    _decodeTokens: (tokens: number[]) => {
      order.push(`${name}:${tokens.join(",")}`);
      return Promise.resolve(tokens.length);
    },
  } as unknown as LlamaContextSequence & { _decodeTokens(tokens: number[]): Promise<number> };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A gate with a running sequence and one that is starting, both attached. */
function startingBesideRunning(order: string[]) {
  const gate = new JoinGate();
  const running = fakeSequence("running", order);
  const joining = fakeSequence("joining", order);
  gate.attach(running);
  gate.attach(joining);
  gate.starting(joining);
  return { gate, running, joining };
}

describe("JoinGate", () => {
  it("passes evaluations straight through while no generation is starting", async () => {
    const order: string[] = [];
    const gate = new JoinGate();
    const running = fakeSequence("running", order);
    expect(gate.attach(running)).toBe(true);
    const result = running._decodeTokens([1]);
    expect(order).toEqual(["running:1"]);
    expect(await result).toBe(1);
  });

  it("holds the running sequences' evaluations while another starts, then queues them behind it", async () => {
    const order: string[] = [];
    const { gate, running, joining } = startingBesideRunning(order);
    const held = running._decodeTokens([1]);
    await nextTurn();
    await nextTurn();
    expect(order).toEqual([]);
    expect(gate.state).toEqual({ starting: 1, held: 1 });
    // The joining sequence's first evaluation goes at once and releases the held one right behind it.
    const first = joining._decodeTokens([7, 8]);
    expect(order).toEqual(["joining:7,8"]);
    expect(await held).toBe(1);
    expect(order).toEqual(["joining:7,8", "running:1"]);
    expect(await first).toBe(2);
    expect(gate.state).toEqual({ starting: 0, held: 0 });
    void running._decodeTokens([2]);
    expect(order).toEqual(["joining:7,8", "running:1", "running:2"]);
  });

  it("stops holding the others when a starting generation ends without evaluating", async () => {
    const order: string[] = [];
    const { gate, running, joining } = startingBesideRunning(order);
    const held = running._decodeTokens([3]);
    expect(order).toEqual([]);
    gate.ended(joining);
    expect(await held).toBe(1);
    expect(order).toEqual(["running:3"]);
  });

  it("cannot attach to a sequence without the internal it wraps", () => {
    expect(new JoinGate().attach({} as LlamaContextSequence)).toBe(false);
  });
});
