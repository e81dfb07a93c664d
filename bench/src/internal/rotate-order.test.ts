import { describe, expect, it } from "vitest";
import { rotateOrder } from "./rotate-order.js";

describe("rotateOrder", () => {
  const arms = ["least_busy", "cache_aware", "least_busy_no_host_memory"] as const;

  it("puts each item first once, and in each place once, over as many rounds as items", () => {
    const orders = [0, 1, 2].map((round) => rotateOrder(arms, round));
    for (let place = 0; place < arms.length; place++)
      expect(new Set(orders.map((order) => order[place])).size).toBe(arms.length);
    for (const order of orders) expect([...order].sort()).toEqual([...arms].sort());
  });

  it("starts with the given order on round 0 and repeats after a full cycle", () => {
    expect(rotateOrder(arms, 0)).toEqual([...arms]);
    expect(rotateOrder(arms, 1)).toEqual(["cache_aware", "least_busy_no_host_memory", "least_busy"]);
    expect(rotateOrder(arms, 4)).toEqual(rotateOrder(arms, 1));
  });

  it("alternates two items, and leaves an empty list empty", () => {
    expect(rotateOrder(["a", "b"], 1)).toEqual(["b", "a"]);
    expect(rotateOrder(["a", "b"], 2)).toEqual(["a", "b"]);
    expect(rotateOrder([], 3)).toEqual([]);
  });
});
