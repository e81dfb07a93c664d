import { ByteWriter } from "./byte-writer.js";

/** GGUF metadata value type ids. */
const valueType = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;

/** ggml tensor type ids and their element sizes in bytes. */
const tensorTypes = { f32: { id: 0, size: 4 }, f16: { id: 1, size: 2 } } as const;

/** The tensor element types this writer supports. */
export type GgmlType = keyof typeof tensorTypes;

/** One tensor: `dimensions` lists ne0 first (the fastest-varying, input dimension). */
export interface GgufTensor {
  name: string;
  dimensions: readonly number[];
  type: GgmlType;
  data: Uint8Array;
}

type MetadataEntry = { key: string; write: (out: ByteWriter) => void };

/** Collects GGUF v3 metadata and tensors, then serializes them in insertion order. */
export class GgufWriter {
  /** Tensor data alignment; llama.cpp checks every offset against it strictly. */
  readonly alignment = 32;
  private readonly metadata: MetadataEntry[] = [];
  private readonly tensors: GgufTensor[] = [];

  setString(key: string, value: string): void {
    this.add(key, (out) => {
      out.writeUint32(valueType.string);
      out.writeString(value);
    });
  }

  setUint32(key: string, value: number): void {
    this.add(key, (out) => {
      out.writeUint32(valueType.uint32);
      out.writeUint32(value);
    });
  }

  setFloat32(key: string, value: number): void {
    this.add(key, (out) => {
      out.writeUint32(valueType.float32);
      out.writeFloat32(value);
    });
  }

  setBool(key: string, value: boolean): void {
    this.add(key, (out) => {
      out.writeUint32(valueType.bool);
      out.writeUint8(value ? 1 : 0);
    });
  }

  setStringArray(key: string, values: readonly string[]): void {
    this.addArray(key, valueType.string, values.length, (out) => {
      for (const value of values) out.writeString(value);
    });
  }

  setInt32Array(key: string, values: readonly number[]): void {
    this.addArray(key, valueType.int32, values.length, (out) => {
      for (const value of values) out.writeInt32(value);
    });
  }

  setFloat32Array(key: string, values: readonly number[]): void {
    this.addArray(key, valueType.float32, values.length, (out) => {
      for (const value of values) out.writeFloat32(value);
    });
  }

  addTensor(tensor: GgufTensor): void {
    const elements = tensor.dimensions.reduce((product, dimension) => product * dimension, 1);
    const expected = elements * tensorTypes[tensor.type].size;
    if (tensor.data.byteLength !== expected) {
      throw new RangeError(`${tensor.name}: ${tensor.data.byteLength} bytes, expected ${expected}`);
    }
    this.tensors.push(tensor);
  }

  /** Serializes header, metadata, tensor infos and the aligned data blob. */
  toBytes(): Uint8Array {
    const out = new ByteWriter();
    out.writeBytes(new TextEncoder().encode("GGUF"));
    out.writeUint32(3);
    out.writeUint64(this.tensors.length);
    out.writeUint64(this.metadata.length);
    for (const entry of this.metadata) {
      out.writeString(entry.key);
      entry.write(out);
    }
    let offset = 0;
    for (const tensor of this.tensors) {
      out.writeString(tensor.name);
      out.writeUint32(tensor.dimensions.length);
      for (const dimension of tensor.dimensions) out.writeUint64(dimension);
      out.writeUint32(tensorTypes[tensor.type].id);
      out.writeUint64(offset);
      offset += this.alignUp(tensor.data.byteLength);
    }
    out.padTo(this.alignment);
    for (const tensor of this.tensors) {
      out.writeBytes(tensor.data);
      // The last tensor is padded too: the loader expects every size rounded up.
      out.padTo(this.alignment);
    }
    return out.toBytes();
  }

  private alignUp(size: number): number {
    return Math.ceil(size / this.alignment) * this.alignment;
  }

  private add(key: string, write: (out: ByteWriter) => void): void {
    if (this.metadata.some((entry) => entry.key === key)) throw new Error(`duplicate key ${key}`);
    this.metadata.push({ key, write });
  }

  private addArray(key: string, type: number, count: number, write: (out: ByteWriter) => void): void {
    this.add(key, (out) => {
      out.writeUint32(valueType.array);
      out.writeUint32(type);
      out.writeUint64(count);
      write(out);
    });
  }
}
