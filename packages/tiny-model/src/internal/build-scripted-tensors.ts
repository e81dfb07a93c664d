import { encodeTensorData } from "./encode-tensor-data.js";
import type { GgufTensor } from "./gguf-writer.js";

/** The shape every scripted model has: one block, one head, the chain's tokens one-hot in 32 dimensions. */
export const scriptedShape = { embedding: 32, feedForward: 8 } as const;

/** Residual dimensions: every token carries `bias`; attention writes `flag` once the marker was seen. */
const bias = 0;
const flag = 1;
/** Dimensions from here on are one-hot slots of the chain's tokens. */
export const firstSlot = 2;
/** The query/key dimension the marker search uses: the last rotary pair, whose rotation is nil (see freq_base). */
const searchDimension = scriptedShape.embedding - 2;

/** Logit weight of a token's successor; at the normalized scale (about 3.3 to 4) margins are 30 or more. */
const successorWeight = 20;
/** Query and key weights of the marker search: the marker's score is about 45, every other token's 0. */
const searchWeight = 4;

/** One edge of the chain: after `from` (a slot), predict `to` (a token id). */
export interface ScriptedEdge {
  from: number;
  to: number;
}

/** What the tensors encode: which token sits in which slot, the chain, and the two starts. */
export interface ScriptedLayout {
  vocabularySize: number;
  /** token id → its slot (a residual dimension), for every token of the chain. */
  slots: ReadonlyMap<number, number>;
  /** Unconditional successors. */
  edges: readonly ScriptedEdge[];
  /** The slot whose successor depends on the flag: `call` without it, `answer` with it. */
  startSlot: number;
  callStart: number;
  answerStart: number;
  /** The marker's slot: keys and values read it. */
  markerSlot: number;
}

/**
 * Builds the tensors of a model whose greedy and sampled output follows a token chain: attention and
 * feed-forward add nothing except one head that looks for the marker token anywhere before (every query
 * matches only its key) and then sets a flag dimension, which switches the start token's successor from
 * the call to the answer. The output head maps each chain token's one-hot embedding to its successor with
 * a margin of about 30 logits, so the chain holds at temperature 1 too.
 */
export function buildScriptedTensors(layout: ScriptedLayout): GgufTensor[] {
  const size = scriptedShape.embedding;
  const vocabularySize = layout.vocabularySize;
  const matrix = (name: string, inputs: number, rows: number, values: Float32Array): GgufTensor => ({
    name,
    dimensions: [inputs, rows],
    type: "f32",
    data: encodeTensorData(values, "f32"),
  });
  const ones = (name: string, length: number): GgufTensor => ({
    name,
    dimensions: [length],
    type: "f32",
    data: encodeTensorData(new Float32Array(length).fill(1), "f32"),
  });

  const embedding = new Float32Array(size * vocabularySize);
  for (let token = 0; token < vocabularySize; token++) {
    embedding[token * size + bias] = 1;
    const slot = layout.slots.get(token);
    if (slot !== undefined) embedding[token * size + slot] = 1;
  }

  const query = new Float32Array(size * size);
  query[searchDimension * size + bias] = searchWeight;
  const key = new Float32Array(size * size);
  key[searchDimension * size + layout.markerSlot] = searchWeight;
  // The marker's normalized slot value is 4 (two ones in 32 dimensions): its value is 1 in dimension 0.
  const value = new Float32Array(size * size);
  value[0 * size + layout.markerSlot] = 0.25;
  const attentionOutput = new Float32Array(size * size);
  attentionOutput[flag * size + 0] = 1;

  const output = new Float32Array(size * vocabularySize);
  for (const edge of layout.edges) output[edge.to * size + edge.from] = successorWeight;
  // Without the flag the start predicts the call (20 against 10); with it, the answer (20 against 10).
  output[layout.callStart * size + layout.startSlot] = successorWeight;
  output[layout.callStart * size + flag] = -successorWeight / 2;
  output[layout.answerStart * size + layout.startSlot] = successorWeight / 2;
  output[layout.answerStart * size + flag] = successorWeight / 2;

  const feedForward = scriptedShape.feedForward;
  return [
    matrix("token_embd.weight", size, vocabularySize, embedding),
    ones("blk.0.attn_norm.weight", size),
    matrix("blk.0.attn_q.weight", size, size, query),
    matrix("blk.0.attn_k.weight", size, size, key),
    matrix("blk.0.attn_v.weight", size, size, value),
    matrix("blk.0.attn_output.weight", size, size, attentionOutput),
    ones("blk.0.ffn_norm.weight", size),
    matrix("blk.0.ffn_gate.weight", size, feedForward, new Float32Array(size * feedForward)),
    matrix("blk.0.ffn_up.weight", size, feedForward, new Float32Array(size * feedForward)),
    matrix("blk.0.ffn_down.weight", feedForward, size, new Float32Array(size * feedForward)),
    ones("output_norm.weight", size),
    matrix("output.weight", size, vocabularySize, output),
  ];
}
