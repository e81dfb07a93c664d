import { completionPromptSchema } from "@helexa/core";
import { z } from "zod";
import { responseFormatSchema, samplingFieldsSchema } from "./chat-completion-request.js";

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
