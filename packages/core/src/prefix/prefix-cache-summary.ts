import { z } from "zod";

/**
 * What one model's sequences hold, as a neuron reports it on `/health` (`models[].prefix_cache`): per
 * sequence (and per state kept in host memory), a bounded sample of the chained block hashes of the prompt
 * it last evaluated (`summarizePrefixBlocks`). cortex matches a request's own block hashes against it.
 */
export const prefixCacheSummarySchema = z.looseObject({
  /** Characters per block the hashes were cut at; cortex uses the same. */
  block_chars: z.number().int().positive(),
  /** One list of hashes per sequence or kept state, at most 64 of each. */
  sequences: z.array(z.array(z.string().max(32)).max(64)).max(256),
});
export type PrefixCacheSummary = z.infer<typeof prefixCacheSummarySchema>;
