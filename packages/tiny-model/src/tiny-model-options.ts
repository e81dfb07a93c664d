/** Shape and encoding of the generated model; every field is optional. */
export interface TinyModelOptions {
  /** Training context length written to `llama.context_length`. Default 2048. */
  contextLength?: number;
  /** Hidden size. Default 64; must be a multiple of `headCount` with an even head size. */
  embeddingLength?: number;
  /** Number of transformer blocks. Default 2. */
  blockCount?: number;
  /** Hidden size of the feed-forward network. Default 128. */
  feedForwardLength?: number;
  /** Attention heads. Default 4. */
  headCount?: number;
  /** Key/value heads; fewer than `headCount` gives grouped-query attention. Default `headCount`. */
  headCountKv?: number;
  /** Seed of the weight generator, an unsigned 32-bit integer. Default 42. */
  seed?: number;
  /**
   * Whether the vocabulary has the fill-in-the-middle tokens (`<|fim_prefix|>`, `<|fim_suffix|>`,
   * `<|fim_middle|>`). Default true; false gives a model that cannot infill, with the same weights otherwise.
   */
  fillInTheMiddle?: boolean;
  /** Element type of the weight matrices; norms are always f32. Default "f32". */
  weightType?: "f32" | "f16";
}
