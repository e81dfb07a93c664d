import { z } from "zod";

const tokenIds = z.array(z.number().int().nonnegative()).min(1, "expected at least one token id");

/**
 * A `/v1/completions` `prompt` as OpenAI takes it: a string, token ids, or a batch of either (one choice
 * each). cortex and the neuron validate it alike; anything else is refused saying what it takes.
 */
export const completionPromptSchema = z.union(
  [
    z.string(),
    tokenIds,
    z.array(z.string()).min(1, "expected at least one prompt"),
    z.array(tokenIds).min(1, "expected at least one prompt"),
  ],
  { error: "expected a string, token ids, or a non-empty array of either" },
);
export type CompletionPrompt = z.infer<typeof completionPromptSchema>;
