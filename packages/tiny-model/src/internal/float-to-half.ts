const float32 = new Float32Array(1);
const bits32 = new Uint32Array(float32.buffer);

/**
 * Converts a number to IEEE 754 half-precision bits, rounding to nearest even like ggml does.
 * Written with integer operations because `Math.f16round` is not available on Node 20.
 */
export function floatToHalf(value: number): number {
  float32[0] = value;
  const bits = bits32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(mantissa, shift);
  }
  // Carry from rounding may overflow into the exponent, which is the correct result.
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** Shifts right by `shift` bits, rounding half to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (remainder > half || (remainder === half && (kept & 1) === 1)) return kept + 1;
  return kept;
}
