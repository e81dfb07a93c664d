import { z } from "zod";

/**
 * Model status as a neuron reports it. An unknown string is a parse error to surface, not silently
 * "loaded": routing to a model that is not serving would fail every request.
 */
export const modelStatusSchema = z.enum([
  "loaded",
  "loading",
  "unloaded",
  "reloading",
  "recovering",
  /** The model's worker stopped making progress; the neuron replaces it (then `recovering`). */
  "stalled",
  "poisoned",
]);
export type ModelStatus = z.infer<typeof modelStatusSchema>;

/** Token limits a model advertises: `input` is the prompt budget, `output` the completion budget. */
export const modelLimitSchema = z.looseObject({
  context: z.number().int().positive(),
  input: z.number().int().nonnegative().optional(),
  output: z.number().int().nonnegative(),
});
export type ModelLimit = z.infer<typeof modelLimitSchema>;

/** USD per 1M tokens. */
export const modelCostSchema = z.looseObject({
  input: z.number().nonnegative().default(0),
  output: z.number().nonnegative().default(0),
  cache_read: z.number().nonnegative().optional(),
  cache_write: z.number().nonnegative().optional(),
});
export type ModelCost = z.infer<typeof modelCostSchema>;

/** One entry of a neuron's `GET /models`. */
export const modelInfoSchema = z.looseObject({
  id: z.string(),
  harness: z.string().default("llama.cpp"),
  status: modelStatusSchema,
  devices: z.array(z.number().int().nonnegative()).default([]),
  vram_used_mb: z.number().nonnegative().nullable().optional(),
  capabilities: z.array(z.string()).default([]),
  limit: modelLimitSchema.optional(),
  tool_call: z.boolean().default(false),
  reasoning: z.boolean().default(false),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

/** `GET /models` on a neuron: a plain array. */
export const modelListSchema = z.array(modelInfoSchema);
export type ModelList = z.infer<typeof modelListSchema>;
