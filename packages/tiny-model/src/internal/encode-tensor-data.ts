import { floatToHalf } from "./float-to-half.js";
import type { GgmlType } from "./gguf-writer.js";

/** Encodes values little-endian as f32 or f16, independent of the host's byte order. */
export function encodeTensorData(values: Float32Array, type: GgmlType): Uint8Array {
  const size = type === "f32" ? 4 : 2;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (type === "f32") view.setFloat32(index * 4, value, true);
    else view.setUint16(index * 2, floatToHalf(value), true);
  }
  return bytes;
}
