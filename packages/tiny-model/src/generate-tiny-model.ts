import { buildGpt2Vocabulary } from "./internal/build-gpt2-vocabulary.js";
import { buildLlamaTensors } from "./internal/build-llama-tensors.js";
import { chatmlTemplate } from "./internal/chatml-template.js";
import { GgufWriter } from "./internal/gguf-writer.js";
import { resolveTinyModelOptions } from "./internal/resolve-tiny-model-options.js";
import type { TinyModelOptions } from "./tiny-model-options.js";

/** `general.file_type` values (llama_ftype). */
const fileTypes = { f32: 0, f16: 1 } as const;

/**
 * Generates a tiny GGUF v3 `llama` model with random weights and a ChatML-capable gpt2 byte-level
 * vocabulary with fill-in-the-middle tokens. Pure: the same options always give the same bytes, on any platform.
 *
 * Defaults: context 2048, embedding 64, 2 blocks, 4 heads, feed-forward 128, seed 42, f32 weights
 * (about 480 KB). The output head can only produce printable ASCII and merged tokens, so greedy
 * decoding yields visible (meaningless) text.
 *
 * @throws RangeError when an option is out of range or the shapes are inconsistent.
 */
export function generateTinyModel(options: TinyModelOptions = {}): Uint8Array {
  const resolved = resolveTinyModelOptions(options);
  const vocabulary = buildGpt2Vocabulary(resolved.fillInTheMiddle);
  const writer = new GgufWriter();

  writer.setString("general.architecture", "llama");
  writer.setString("general.name", "helexa-tiny");
  writer.setUint32("general.alignment", writer.alignment);
  writer.setUint32("general.file_type", fileTypes[resolved.weightType]);
  writer.setUint32("llama.vocab_size", vocabulary.tokens.length);
  writer.setUint32("llama.context_length", resolved.contextLength);
  writer.setUint32("llama.embedding_length", resolved.embeddingLength);
  writer.setUint32("llama.block_count", resolved.blockCount);
  writer.setUint32("llama.feed_forward_length", resolved.feedForwardLength);
  writer.setUint32("llama.attention.head_count", resolved.headCount);
  writer.setUint32("llama.attention.head_count_kv", resolved.headCountKv);
  // llama.cpp rejects any other value for llama ("invalid n_rot").
  writer.setUint32("llama.rope.dimension_count", resolved.embeddingLength / resolved.headCount);
  writer.setFloat32("llama.rope.freq_base", 10000);
  writer.setFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5);

  writer.setString("tokenizer.ggml.model", "gpt2");
  // Without it llama.cpp warns loudly and falls back to its default pre-tokenizer.
  writer.setString("tokenizer.ggml.pre", "gpt-2");
  writer.setStringArray("tokenizer.ggml.tokens", vocabulary.tokens);
  writer.setInt32Array("tokenizer.ggml.token_type", vocabulary.tokenTypes);
  writer.setStringArray("tokenizer.ggml.merges", vocabulary.merges);
  // The gpt2 defaults (11) would point at a byte token.
  writer.setUint32("tokenizer.ggml.bos_token_id", vocabulary.bosTokenId);
  writer.setUint32("tokenizer.ggml.eos_token_id", vocabulary.eosTokenId);
  writer.setBool("tokenizer.ggml.add_bos_token", false);
  if (vocabulary.fimTokenIds !== undefined) {
    // The names llama.cpp's vocabulary loader reads (the older prefix/suffix/middle_token_id are deprecated).
    writer.setUint32("tokenizer.ggml.fim_pre_token_id", vocabulary.fimTokenIds.prefix);
    writer.setUint32("tokenizer.ggml.fim_suf_token_id", vocabulary.fimTokenIds.suffix);
    writer.setUint32("tokenizer.ggml.fim_mid_token_id", vocabulary.fimTokenIds.middle);
  }
  writer.setString("tokenizer.chat_template", chatmlTemplate);

  for (const tensor of buildLlamaTensors(resolved, vocabulary.visible, vocabulary.appendedTokenCount))
    writer.addTensor(tensor);
  return writer.toBytes();
}
