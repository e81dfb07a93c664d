const decoder = new TextDecoder();

/** Keeps the last `capacity` bytes (at least) of a byte stream without copying each chunk. */
export class TailBuffer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly capacity = 64 * 1024) {}

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    while (this.chunks.length > 1 && this.size - (this.chunks[0]?.byteLength ?? 0) >= this.capacity) {
      this.size -= this.chunks.shift()?.byteLength ?? 0;
    }
  }

  /** The kept bytes as text (a split UTF-8 sequence at the start decodes to U+FFFD, harmlessly). */
  text(): string {
    if (this.chunks.length === 1) return decoder.decode(this.chunks[0]);
    const joined = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return decoder.decode(joined);
  }
}
