import { describe, expect, it } from "vitest";
import { floatToHalf } from "./float-to-half.js";

/** Reference decoder: half bits to the exact number they denote. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

describe("floatToHalf", () => {
  it("round-trips every finite and infinite half value", () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = halfToNumber(bits);
      if (!Number.isNaN(value) && floatToHalf(value) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });

  it("rounds to nearest, ties to even", () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie between 0x3c00 and 0x3c01 -> even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 0x3c01 and 0x3c02 -> even
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(floatToHalf(0.1)).toBe(0x2e66);
    expect(floatToHalf(-1 / 3)).toBe(0xb555);
  });

  it("handles overflow, underflow and NaN", () => {
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(1e9)).toBe(0x7c00);
    expect(floatToHalf(2 ** -25)).toBe(0x0000);
    expect(floatToHalf(-(2 ** -25) * 1.5)).toBe(0x8001);
    expect(floatToHalf(1e-10)).toBe(0x0000);
    expect(floatToHalf(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(floatToHalf(Number.NaN) & 0x3ff).not.toBe(0);
  });
});
