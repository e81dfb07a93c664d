import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type BenchGroup, SkipGroup } from "./bench-types.js";
import { formatResultsTable } from "./format-results-table.js";
import { routingGroup } from "./groups/routing-group.js";
import { runSuite } from "./run-suite.js";
import { writeResults } from "./write-results.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("runSuite (smoke: the harness runs; no timing is asserted)", () => {
  it("runs the routing group in quick mode and writes results of the documented shape", async () => {
    const results = await runSuite({ name: "smoke", quick: true, rounds: 2, groups: [routingGroup], root });
    expect(results).toMatchObject({ name: "smoke", quick: true, rounds: 2 });
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.node_version).toBe(process.version);
    expect(results.machine.packages["@helexa/core"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(results.machine.git_sha).toMatch(/^([0-9a-f]{40}|unknown)$/);
    const [group] = results.groups;
    expect(group).toMatchObject({ name: "routing", skipped: false });
    expect(group!.notes.filter((note) => note.startsWith("FAILED"))).toEqual([]);
    expect(group!.figures.map((figure) => figure.name)).toContain("100 nodes: route to a loaded model");
    for (const figure of group!.figures) {
      expect(figure.rounds).toHaveLength(2);
      expect(figure.min).toBeLessThanOrEqual(figure.median);
      expect(figure.median).toBeLessThanOrEqual(figure.max);
      expect(["pass", "miss", "info"]).toContain(figure.verdict);
    }
    const targeted = group!.figures.find((figure) => figure.name === "100 nodes: route to a loaded model");
    expect(targeted?.target).toMatchObject({ comparison: "<=", value: 20 });
    expect(targeted?.verdict).not.toBe("info");

    const folder = await mkdtemp(join(tmpdir(), "helexa-bench-test-"));
    try {
      const path = await writeResults(folder, results);
      expect(path).toBe(join(folder, "smoke.json"));
      expect(JSON.parse(await readFile(path, "utf8"))).toEqual(results);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    expect(formatResultsTable(results)).toContain("| 100 nodes: route to a loaded model | µs |");
  });

  it("reports a skipped group and a failing group without stopping the others", async () => {
    let disposed = 0;
    const groups: BenchGroup[] = [
      {
        name: "missing",
        description: "needs something absent",
        setup: async () => {
          throw new SkipGroup("no widget here");
        },
      },
      {
        name: "broken",
        description: "fails in round 2",
        setup: async () => ({
          measureRound: async (round) => {
            if (round === 1) throw new Error("boom");
            return [{ name: "x", unit: "ms", value: 1 }];
          },
          dispose: async () => {
            disposed += 1;
          },
        }),
      },
      {
        name: "fine",
        description: "works",
        setup: async () => ({
          measureRound: async (round) => [
            {
              name: "y",
              unit: "ms",
              value: round + 1,
              target: { comparison: "<=", value: 5, description: "t" },
            },
          ],
          dispose: async () => {},
        }),
      },
    ];
    const results = await runSuite({ name: "fake", quick: true, rounds: 3, groups, root });
    const [missing, broken, fine] = results.groups;
    expect(missing).toMatchObject({ skipped: true, notes: ["skipped: no widget here"], figures: [] });
    expect(broken!.notes).toEqual(["FAILED: boom"]);
    expect(broken!.figures).toMatchObject([{ name: "x", rounds: [1] }]);
    expect(disposed).toBe(1);
    expect(fine!.figures).toMatchObject([
      { name: "y", rounds: [1, 2, 3], min: 1, median: 2, max: 3, verdict: "pass" },
    ]);
  });

  it("bounds a round by the group's own round timeout, keeps the rounds before it and disposes", async () => {
    let disposed = false;
    const stuck: BenchGroup = {
      name: "stuck",
      description: "never finishes round 2",
      roundTimeoutMs: 50,
      setup: async () => ({
        measureRound: (round) =>
          round === 0 ? Promise.resolve([{ name: "z", unit: "ms", value: 1 }]) : new Promise(() => {}),
        dispose: async () => {
          disposed = true;
        },
      }),
    };
    const results = await runSuite({ name: "stuck", quick: true, rounds: 3, groups: [stuck], root });
    expect(results.groups[0]!.notes).toEqual(["FAILED: round 2 took longer than 50 ms"]);
    expect(results.groups[0]!.figures).toMatchObject([{ name: "z", rounds: [1] }]);
    expect(disposed).toBe(true);
  });
});
