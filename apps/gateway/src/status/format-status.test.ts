import { describe, expect, it } from "vitest";
import { formatStatus } from "./format-status.js";

describe("formatStatus", () => {
  it("shows one row per replica with load against capacity, free VRAM, then the models", () => {
    const text = formatStatus(
      {
        status: "ok",
        nodes: { healthy: 1, total: 2 },
        neurons: [
          {
            name: "gpu-a",
            healthy: true,
            free_vram_mb: 20480,
            models: [
              {
                id: "tiny",
                status: "loaded",
                in_flight: 1,
                queue_depth: 0,
                max_in_flight: 2,
                max_queue_depth: 2,
              },
            ],
          },
          { name: "gpu-b", healthy: false, error: "ECONNREFUSED", free_vram_mb: null, models: [] },
        ],
      },
      [
        { id: "helexa/small", alias_of: "tiny" },
        {
          id: "tiny",
          loaded: true,
          limit: { context: 2048 },
          locations: [{ node: "gpu-a", status: "loaded" }],
        },
      ],
    );
    const lines = text.split("\n");
    expect(lines[0]).toBe("cortex: ok (1/2 nodes healthy)");
    expect(text).toMatch(/gpu-a\s+healthy\s+20\.0 GiB\s+tiny\s+loaded\s+1\/2\s+0\/2/);
    expect(text).toMatch(/gpu-b\s+down \(ECONNREFUSED\)/);
    expect(text).toMatch(/tiny\s+yes\s+2048\s+gpu-a\(loaded\)/);
    expect(text).toMatch(/helexa\/small\s+no\s+-\s+alias of tiny/);
  });
});
