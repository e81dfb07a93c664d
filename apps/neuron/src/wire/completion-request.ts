import { z } from "zod";
import { responseFormatSchema, samplingFieldsSchema } from "./chat-completion-request.js";

const tokenIdsSchema = z.array(z.number().int().nonnegative()).min(1, "expected at least one token id");

/**
 * A completions `prompt` as OpenAI takes it: a string, token ids, or a batch of either (one choice each).
 */
export const completionPromptSchema = z.union([
  z.string(),
  tokenIdsSchema,
  z.array(z.string()).min(1, "expected at least one prompt"),
  z.array(tokenIdsSchema).min(1, "expected at least one prompt"),
]);
export type CompletionPrompt = z.infer<typeof completionPromptSchema>;

/** `POST /v1/completions` (legacy text completion); `suffix` asks for fill-in-the-middle. */
export const completionRequestSchema = z.looseObject({
  model: z.string().min(1),
  prompt: completionPromptSchema,
  ...samplingFieldsSchema,
  echo: z.boolean().nullable().optional(),
  suffix: z.string().nullable().optional(),
  best_of: z.number().int().positive().nullable().optional(),
  response_format: responseFormatSchema.nullable().optional(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;
