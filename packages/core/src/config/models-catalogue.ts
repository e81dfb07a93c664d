import { z } from "zod";
import { modelCostSchema, modelLimitSchema } from "../wire/models.js";

/** One `[[models]]` profile of `models.toml`: what cortex may cold-load and where. */
export const catalogueModelSchema = z.strictObject({
  id: z.string().min(1),
  harness: z.string().default("llama.cpp"),
  /** Forwarded in the load spec: where the neuron gets the weights. */
  uri: z.string().min(1).optional(),
  path: z.string().min(1).optional(),
  quant: z.string().optional(),
  /** VRAM the model needs once loaded; used for placement and eviction. */
  vram_mb: z.number().nonnegative().optional(),
  min_devices: z.number().int().nonnegative().default(1),
  min_device_vram_mb: z.number().nonnegative().optional(),
  /** If non-empty, only these neurons may hold the model; it is never evicted from them. */
  pinned_on: z.array(z.string()).default([]),
  /** Registry scheme: the load spec's `model_id` becomes `<source>:<id>`. */
  source: z.string().optional(),
  /** Residency priority for `strategy = "priority"`: lower is evicted first. */
  priority: z.number().int().default(0),
  /** Fallback limit, used only when no neuron advertises one. */
  limit: modelLimitSchema.strict().optional(),
  cost: modelCostSchema.strict().optional(),
  capabilities: z.array(z.string()).default([]),
  context_size: z.number().int().positive().optional(),
  sequences: z.number().int().positive().optional(),
});
export type CatalogueModel = z.infer<typeof catalogueModelSchema>;

/** `models.toml`: the catalogue and `[aliases]` (`alias = "concrete id"`, one lookup, no chaining). */
export const modelsCatalogueSchema = z.strictObject({
  models: z.array(catalogueModelSchema).default([]),
  aliases: z.record(z.string(), z.string()).default({}),
});
export type ModelsCatalogue = z.infer<typeof modelsCatalogueSchema>;
