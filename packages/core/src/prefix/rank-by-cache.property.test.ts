import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FleetSnapshot } from "../fleet/fleet-snapshot.js";
import { isNodeRoutable } from "../fleet/fleet-snapshot.js";
import { planRoute } from "../routing/plan-route.js";
import type { RouteCandidate } from "../routing/route-plan.js";
import { NODE_NAMES, planInputArbitrary } from "../test-support/fleet-arbitraries.js";
import type { ModelLoad } from "../wire/health.js";
import { rankByCache } from "./rank-by-cache.js";

const BLOCKS = Array.from({ length: 8 }, (_, index) => `b${index}`);
const RUNS = { numRuns: 500 };

const cacheArbitrary = fc.record({
  input: planInputArbitrary(),
  /** How many of the request's blocks each node holds (0: none). */
  depths: fc.record(Object.fromEntries(NODE_NAMES.map((name) => [name, fc.nat(BLOCKS.length)]))),
  session: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  loadFactor: fc.constantFrom(1, 1.25, 2),
});

type CacheInput = typeof cacheArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** planRoute on the random fleet, then the cache-aware ranking of its candidates. */
function decide({ input, depths, session, loadFactor }: CacheInput) {
  const result = planRoute(input.snapshot, input.requested, input.catalogue, { alias: input.aliasTarget });
  if (!result.ok) return undefined;
  const model = result.plan.model;
  const loadOf = (name: string): ModelLoad | undefined => {
    const polled = input.snapshot.nodes
      .find((node) => node.name === name)
      ?.load?.find((entry) => entry.id === model);
    const load = polled ?? { id: model, in_flight: 0, queue_depth: 0 };
    const depth = depths[name] ?? 0;
    const sequences = depth === 0 ? [["other"]] : [["other"], [BLOCKS[depth - 1] as string]];
    return { ...load, chars_per_token: 4, prefix_cache: { block_chars: 64, sequences } };
  };
  const ranking = rankByCache(
    result.plan.candidates,
    loadOf,
    { blocks: BLOCKS, blockChars: 64, session },
    { loadFactor },
  );
  return { plan: result.plan.candidates, ranking, snapshot: input.snapshot };
}

function warm(candidates: readonly RouteCandidate[]) {
  return candidates.filter((candidate) => !candidate.coldLoad && !candidate.queueFull);
}

describe("rankByCache properties", () => {
  it("reorders planRoute's candidates only, and its first is a routable node", () => {
    fc.assert(
      fc.property(cacheArbitrary, (input) => {
        const decided = decide(input);
        if (decided === undefined) return;
        const { plan, ranking, snapshot } = decided;
        expect([...ranking.candidates].sort(byNode)).toEqual([...plan].sort(byNode));
        const first = ranking.candidates[0] as RouteCandidate;
        expect(routable(snapshot, first.node)).toBe(true);
        // Fall-through order behind the first is planRoute's.
        expect(ranking.candidates.slice(1)).toEqual(plan.filter((candidate) => candidate !== first));
      }),
      RUNS,
    );
  });

  it("never chooses, for cache or session, a replica that is cold, full, or without a free sequence and over the load bound", () => {
    fc.assert(
      fc.property(cacheArbitrary, (input) => {
        const decided = decide(input);
        if (decided === undefined) return;
        const { plan, ranking } = decided;
        const first = ranking.candidates[0] as RouteCandidate;
        if (ranking.basis === "load") {
          expect(ranking.candidates).toEqual(plan);
          return;
        }
        const replicas = warm(plan);
        const total = replicas.reduce((sum, candidate) => sum + candidate.busy, 0);
        expect(first.coldLoad).toBe(false);
        expect(first.queueFull).toBe(false);
        // A free sequence, or within the bound.
        if (first.score >= 1)
          expect(first.busy + 1).toBeLessThanOrEqual(
            Math.ceil((input.loadFactor * (total + 1)) / replicas.length),
          );
      }),
      RUNS,
    );
  });

  it("with equal loads, prefers the longest cached prefix", () => {
    fc.assert(
      fc.property(cacheArbitrary, (input) => {
        const snapshot = withEqualLoads(input.input.snapshot);
        const decided = decide({ ...input, input: { ...input.input, snapshot } });
        if (decided === undefined) return;
        const replicas = warm(decided.plan);
        if (replicas.length < 2) return;
        const deepest = Math.max(...replicas.map((candidate) => input.depths[candidate.node] ?? 0));
        const first = decided.ranking.candidates[0] as RouteCandidate;
        if (deepest > 0) {
          expect(decided.ranking.basis).toBe("prefix");
          expect(input.depths[first.node]).toBe(deepest);
          expect(decided.ranking.expectedCachedTokens).toBe(deepest * 16);
        } else if (input.session === undefined) expect(decided.ranking.basis).toBe("load");
        else expect(decided.ranking.basis).toBe("session");
      }),
      RUNS,
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(cacheArbitrary, (input) => {
        const once = decide(input);
        const again = decide(structuredClone(input));
        expect(again?.ranking).toEqual(once?.ranking);
      }),
      RUNS,
    );
  });
});

describe("rankByCache", () => {
  const candidate = (node: string, busy: number, maxInFlight = 2): RouteCandidate => ({
    node,
    busy,
    score: busy / maxInFlight,
    queueFull: false,
    coldLoad: false,
    reason: "least_busy",
    evict: [],
  });
  const holding =
    (name: string) =>
    (node: string): ModelLoad => ({
      id: "m",
      in_flight: 0,
      queue_depth: 0,
      chars_per_token: 4,
      ...(node === name ? { prefix_cache: { block_chars: 64, sequences: [["b0", "b1"]] } } : {}),
    });
  const request = { blocks: ["b0", "b1", "b2"], blockChars: 64 };

  it("sends the request to the replica holding its prefix while it has room", () => {
    const ranking = rankByCache([candidate("a", 0), candidate("b", 1)], holding("b"), request);
    expect(ranking.candidates.map((entry) => entry.node)).toEqual(["b", "a"]);
    expect(ranking).toMatchObject({ basis: "prefix", expectedCachedTokens: 32 });
  });

  it("lets load win when the holder is over the bound: one hot conversation cannot pile onto one node", () => {
    const ranking = rankByCache([candidate("a", 0), candidate("b", 2)], holding("b"), request);
    expect(ranking).toMatchObject({ basis: "load", expectedCachedTokens: 0 });
    expect(ranking.candidates[0]?.node).toBe("a");
  });

  it("still prefers the holder while it has a free sequence, though the bound alone would turn it away", () => {
    const nodes = [candidate("a", 0), candidate("b", 1), candidate("c", 0), candidate("d", 0)];
    const ranking = rankByCache(nodes, holding("b"), request);
    expect(ranking.candidates[0]?.node).toBe("b");
    expect(ranking.basis).toBe("prefix");
  });

  it("keeps a session on one replica when nothing is cached, and spreads sessions", () => {
    const nodes = ["a", "b", "c", "d"].map((name) => candidate(name, 0));
    const none = () => undefined;
    const chosen = new Set<string>();
    for (let user = 0; user < 40; user++) {
      const first = rankByCache(nodes, none, { blocks: [], blockChars: 64, session: `user-${user}` });
      const again = rankByCache(nodes, none, { blocks: [], blockChars: 64, session: `user-${user}` });
      expect(first.basis).toBe("session");
      expect(again.candidates[0]?.node).toBe(first.candidates[0]?.node);
      chosen.add(first.candidates[0]?.node as string);
    }
    expect(chosen.size).toBeGreaterThan(1);
  });

  it("ignores a summary cut at other block boundaries", () => {
    const ranking = rankByCache([candidate("a", 0), candidate("b", 0)], holding("b"), {
      ...request,
      blockChars: 128,
    });
    expect(ranking.basis).toBe("load");
  });
});

function byNode(a: RouteCandidate, b: RouteCandidate): number {
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

function routable(snapshot: FleetSnapshot, name: string): boolean {
  return snapshot.nodes.some((node) => node.name === name && isNodeRoutable(node));
}

/** Every node's loads idle with two slots and room to queue. */
function withEqualLoads(snapshot: FleetSnapshot): FleetSnapshot {
  return {
    nodes: snapshot.nodes.map((node) => ({
      ...node,
      load: (node.load ?? []).map((load) => ({
        id: load.id,
        in_flight: 0,
        queue_depth: 0,
        max_in_flight: 2,
        max_queue_depth: 4,
      })),
    })),
  };
}
