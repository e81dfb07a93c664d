import { describe, expect, it } from "vitest";
import { SUMMARY_TAIL_BLOCKS, summarizePrefixBlocks } from "./summarize-prefix-blocks.js";

describe("summarizePrefixBlocks", () => {
  it("keeps short chains whole", () => {
    const hashes = ["a", "b", "c"];
    expect(summarizePrefixBlocks(hashes)).toEqual(hashes);
  });

  it("keeps the last blocks and those at 2^k - 1, a bounded sample of a long chain", () => {
    const hashes = Array.from({ length: 512 }, (_, index) => `h${index}`);
    const kept = summarizePrefixBlocks(hashes);
    expect(kept.slice(-SUMMARY_TAIL_BLOCKS)).toEqual(hashes.slice(-SUMMARY_TAIL_BLOCKS));
    expect(kept.slice(0, 9)).toEqual(["h0", "h1", "h3", "h7", "h15", "h31", "h63", "h127", "h255"]);
    expect(kept.length).toBe(17);
  });
});
