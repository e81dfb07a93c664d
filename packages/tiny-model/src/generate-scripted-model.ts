import { buildGpt2Vocabulary } from "./internal/build-gpt2-vocabulary.js";
import {
  buildScriptedTensors,
  firstSlot,
  type ScriptedEdge,
  scriptedShape,
} from "./internal/build-scripted-tensors.js";
import { chatmlTemplate } from "./internal/chatml-template.js";
import { GgufWriter } from "./internal/gguf-writer.js";
import type { ScriptedModelOptions } from "./scripted-model-options.js";

/** llama.cpp's token type of a user-defined token: matched in any text before BPE, even without special tokens. */
const userDefinedTokenType = 4;
/** Rotary base so large that the last rotary pair (where the marker search lives) does not rotate at all. */
const freqBase = 1e30;

/**
 * Generates a GGUF `llama` model that deterministically writes a script: its reply to a fresh prompt (whose
 * last token is the newline that ends the ChatML assistant header) is `call`, token by token, then the end
 * of its turn; once the prompt holds `marker` (the call's result, say, is in the history), its reply is
 * `answer`, then the end of its turn. The weights are built, not trained: one block whose only non-zero
 * attention looks for the marker, and an output head that maps each script token to the next with a
 * margin of about 30 logits, so the script holds at temperature 1. Small (one head of 32 dimensions) so a
 * 64k-token prompt evaluates in under a minute on one CPU thread; the vocabulary is the tiny model's plus
 * the script's multi-character tokens.
 *
 * @throws RangeError when the script repeats a token, has a token that is neither one printable ASCII
 *   character nor longer, has a one-character marker or one in `answer`, or needs more than the 30 slots (one
 *   per token, the start newline and a marker that is not a call token).
 */
export function generateScriptedModel(options: ScriptedModelOptions): Uint8Array {
  const contextLength = options.contextLength ?? 131_072;
  if (!Number.isInteger(contextLength) || contextLength < 1 || contextLength > 0xffffffff) {
    throw new RangeError(`contextLength must be a positive 32-bit integer, got ${contextLength}`);
  }
  const script = [...options.call, ...options.answer];
  if (options.call.length === 0 || options.answer.length === 0) {
    throw new RangeError("call and answer must each have at least one token");
  }
  if (new Set(script).size !== script.length) throw new RangeError("a script token appears twice");
  if (options.marker.length < 2) throw new RangeError("marker must have at least two characters");
  if (options.answer.includes(options.marker)) throw new RangeError("marker must not be a token of answer");
  const markerApart = !options.call.includes(options.marker);
  // The start newline and a marker that is not a call token take a slot each.
  const needed = script.length + 1 + (markerApart ? 1 : 0);
  const slotCount = scriptedShape.embedding - firstSlot;
  if (needed > slotCount) {
    throw new RangeError(`the script needs ${needed} slots; ${slotCount} fit`);
  }

  const vocabulary = buildGpt2Vocabulary(true);
  const tokens = [...vocabulary.tokens];
  const tokenTypes = [...vocabulary.tokenTypes];
  const idOf = (text: string): number => {
    if (text.length === 1) {
      const code = text.charCodeAt(0);
      if (code < 0x21 || code > 0x7e) {
        throw new RangeError(`single-character tokens must be printable ASCII, got ${JSON.stringify(text)}`);
      }
      return code;
    }
    if (text.length === 0) throw new RangeError("a script token is empty");
    tokens.push(text);
    tokenTypes.push(userDefinedTokenType);
    return tokens.length - 1;
  };
  const newline = 0x0a;
  const ids = script.map(idOf);
  const slots = new Map<number, number>([[newline, firstSlot]]);
  for (const [index, id] of ids.entries()) slots.set(id, firstSlot + 1 + index);
  const markerId = markerApart ? idOf(options.marker) : (ids[script.indexOf(options.marker)] as number);
  if (markerApart) slots.set(markerId, firstSlot + 1 + ids.length);
  const callIds = ids.slice(0, options.call.length);
  const answerIds = ids.slice(options.call.length);
  const edges: ScriptedEdge[] = [];
  const chain = (part: readonly number[]) => {
    for (const [index, id] of part.entries()) {
      edges.push({ from: slots.get(id) as number, to: part[index + 1] ?? vocabulary.eosTokenId });
    }
  };
  chain(callIds);
  chain(answerIds);

  const writer = new GgufWriter();
  writer.setString("general.architecture", "llama");
  writer.setString("general.name", "helexa-scripted");
  writer.setUint32("general.alignment", writer.alignment);
  writer.setUint32("general.file_type", 0);
  writer.setUint32("llama.vocab_size", tokens.length);
  writer.setUint32("llama.context_length", contextLength);
  writer.setUint32("llama.embedding_length", scriptedShape.embedding);
  writer.setUint32("llama.block_count", 1);
  writer.setUint32("llama.feed_forward_length", scriptedShape.feedForward);
  writer.setUint32("llama.attention.head_count", 1);
  writer.setUint32("llama.attention.head_count_kv", 1);
  writer.setUint32("llama.rope.dimension_count", scriptedShape.embedding);
  writer.setFloat32("llama.rope.freq_base", freqBase);
  writer.setFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5);
  writer.setString("tokenizer.ggml.model", "gpt2");
  writer.setString("tokenizer.ggml.pre", "gpt-2");
  writer.setStringArray("tokenizer.ggml.tokens", tokens);
  writer.setInt32Array("tokenizer.ggml.token_type", tokenTypes);
  writer.setStringArray("tokenizer.ggml.merges", vocabulary.merges);
  writer.setUint32("tokenizer.ggml.bos_token_id", vocabulary.bosTokenId);
  writer.setUint32("tokenizer.ggml.eos_token_id", vocabulary.eosTokenId);
  writer.setBool("tokenizer.ggml.add_bos_token", false);
  writer.setString("tokenizer.chat_template", chatmlTemplate);
  const tensors = buildScriptedTensors({
    vocabularySize: tokens.length,
    slots,
    edges,
    startSlot: firstSlot,
    callStart: callIds[0] as number,
    answerStart: answerIds[0] as number,
    markerSlot: slots.get(markerId) as number,
  });
  for (const tensor of tensors) writer.addTensor(tensor);
  return writer.toBytes();
}
