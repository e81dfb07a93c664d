import { describe, expect, it } from "vitest";
import { formatCount, formatTable, formatUsd } from "./format-table.js";

describe("formatTable", () => {
  it("left-aligns text columns and right-aligns number columns, dashes included", () => {
    const table = formatTable(
      ["NAME", "COUNT", "NOTE"],
      [
        ["alpha", "1,234", "-"],
        ["b", "-", "text"],
      ],
    );
    expect(table.split("\n")).toEqual(["NAME   COUNT  NOTE", "alpha  1,234  -", "b          -  text"]);
  });

  it("formats counts and dollars", () => {
    expect(formatCount(1234567.4)).toBe("1,234,567");
    expect(formatUsd(0.00123)).toBe("$0.0012");
  });
});
