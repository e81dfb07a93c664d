/** A growable little-endian byte buffer; GGUF is little-endian throughout. */
export class ByteWriter {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  /** Number of bytes written so far. */
  get byteLength(): number {
    return this.length;
  }

  writeUint8(value: number): void {
    this.reserve(1).setUint8(this.length - 1, value);
  }

  writeUint32(value: number): void {
    this.reserve(4).setUint32(this.length - 4, value, true);
  }

  writeInt32(value: number): void {
    this.reserve(4).setInt32(this.length - 4, value, true);
  }

  writeUint64(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`not a u64: ${value}`);
    }
    this.reserve(8).setBigUint64(this.length - 8, BigInt(value), true);
  }

  writeFloat32(value: number): void {
    this.reserve(4).setFloat32(this.length - 4, value, true);
  }

  writeBytes(bytes: Uint8Array): void {
    this.reserve(bytes.byteLength);
    this.buffer.set(bytes, this.length - bytes.byteLength);
  }

  /** Writes a GGUF string: a u64 byte length, then UTF-8 without a terminating NUL. */
  writeString(value: string): void {
    const bytes = new TextEncoder().encode(value);
    this.writeUint64(bytes.byteLength);
    this.writeBytes(bytes);
  }

  /** Appends zero bytes until the length is a multiple of `alignment`. */
  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.reserve(padding);
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /** Grows the length by `count` zeroed bytes and returns the view to fill them. */
  private reserve(count: number): DataView {
    const needed = this.length + count;
    if (needed > this.buffer.byteLength) {
      let capacity = this.buffer.byteLength * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = needed;
    return this.view;
  }
}
