import { createSeededRandom } from "./create-seeded-random.js";
import { encodeTensorData } from "./encode-tensor-data.js";
import type { GgufTensor } from "./gguf-writer.js";
import type { ResolvedTinyModelOptions } from "./resolve-tiny-model-options.js";

/** Standard deviation of the random matrices; small enough to keep activations tame. */
const weightScale = 0.08;

/**
 * Builds the llama tensors in file order from one seeded stream, so the same options always give
 * the same bytes. `visible[token]` selects the rows of `output.weight` that may be non-zero. The
 * embedding rows of the last `appendedTokens` tokens are drawn after every other weight, so tokens
 * appended to the vocabulary leave the rest of the model unchanged.
 */
export function buildLlamaTensors(
  options: ResolvedTinyModelOptions,
  visible: readonly boolean[],
  appendedTokens = 0,
): GgufTensor[] {
  const random = createSeededRandom(options.seed);
  const embedding = options.embeddingLength;
  const headSize = embedding / options.headCount;
  const queryLength = options.headCount * headSize;
  const keyValueLength = options.headCountKv * headSize;
  const feedForward = options.feedForwardLength;
  const vocabularySize = visible.length;

  const randomValues = (count: number): Float32Array => {
    const values = new Float32Array(count);
    for (let index = 0; index < count; index++) values[index] = random.nextNormal() * weightScale;
    return values;
  };
  /** A matrix of `rows` rows of `inputs` values each; ggml lists its shape as [inputs, rows]. */
  const matrix = (
    name: string,
    inputs: number,
    rows: number,
    values = randomValues(inputs * rows),
  ): GgufTensor => ({
    name,
    dimensions: [inputs, rows],
    type: options.weightType,
    data: encodeTensorData(values, options.weightType),
  });
  const norm = (name: string): GgufTensor => ({
    name,
    dimensions: [embedding],
    type: "f32",
    data: encodeTensorData(new Float32Array(embedding).fill(1), "f32"),
  });

  const embeddingValues = new Float32Array(embedding * vocabularySize);
  embeddingValues.set(randomValues(embedding * (vocabularySize - appendedTokens)));
  const tensors: GgufTensor[] = [];
  for (let block = 0; block < options.blockCount; block++) {
    const prefix = `blk.${block}`;
    tensors.push(
      norm(`${prefix}.attn_norm.weight`),
      matrix(`${prefix}.attn_q.weight`, embedding, queryLength),
      matrix(`${prefix}.attn_k.weight`, embedding, keyValueLength),
      matrix(`${prefix}.attn_v.weight`, embedding, keyValueLength),
      matrix(`${prefix}.attn_output.weight`, queryLength, embedding),
      norm(`${prefix}.ffn_norm.weight`),
      matrix(`${prefix}.ffn_gate.weight`, embedding, feedForward),
      matrix(`${prefix}.ffn_up.weight`, embedding, feedForward),
      matrix(`${prefix}.ffn_down.weight`, feedForward, embedding),
    );
  }
  tensors.push(norm("output_norm.weight"));

  // Random logits favour bytes >= 0x80 and control tokens, whose text is invalid UTF-8 or empty, and
  // node-llama-cpp withholds incomplete UTF-8; zero rows pin those logits at 0 so greedy output is text.
  const outputValues = randomValues(embedding * vocabularySize);
  for (let token = 0; token < vocabularySize; token++) {
    if (!visible[token]) outputValues.fill(0, token * embedding, (token + 1) * embedding);
  }
  tensors.push(matrix("output.weight", embedding, vocabularySize, outputValues));
  embeddingValues.set(
    randomValues(embedding * appendedTokens),
    embedding * (vocabularySize - appendedTokens),
  );
  return [matrix("token_embd.weight", embedding, vocabularySize, embeddingValues), ...tensors];
}
