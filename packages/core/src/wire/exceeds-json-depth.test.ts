import { describe, expect, it } from "vitest";
import { exceedsJsonDepth } from "./exceeds-json-depth.js";

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? { a: value } : [value];
  return value;
}

describe("exceedsJsonDepth", () => {
  it("counts objects and arrays as levels and scalars as none", () => {
    expect(exceedsJsonDepth("text", 0)).toBe(false);
    expect(exceedsJsonDepth({}, 0)).toBe(true);
    expect(exceedsJsonDepth(nested(3), 3)).toBe(false);
    expect(exceedsJsonDepth(nested(4), 3)).toBe(true);
  });

  it("measures a value nested far past the call stack's reach", () => {
    expect(exceedsJsonDepth(nested(200_000), 64)).toBe(true);
    expect(exceedsJsonDepth({ a: [1, { b: 2 }], c: { d: { e: null } } }, 3)).toBe(false);
  });
});
