import { z } from "zod";
import { samplingFieldsSchema } from "./chat-completion-request.js";

/** One `input_extra` chunk: another file's text the model may read. */
const extraChunkSchema = z.looseObject({
  filename: z.string().nullable().optional(),
  text: z.string(),
});

/**
 * `POST /infill`, llama.cpp server's fill-in-the-middle route for editors: `input_prefix` and
 * `input_suffix` around the gap, `input_extra` chunks of context, `prompt` (the middle's start), and
 * `n_predict` (-1: until done). `model` picks the model, as on every inference route of this neuron.
 */
export const infillRequestSchema = z.looseObject({
  model: z.string().min(1),
  input_prefix: z.string().nullable().optional(),
  input_suffix: z.string().nullable().optional(),
  input_extra: z.array(extraChunkSchema).max(1024).nullable().optional(),
  prompt: z.string().nullable().optional(),
  n_predict: z.number().int().min(-1).nullable().optional(),
  ...samplingFieldsSchema,
});
export type InfillRequest = z.infer<typeof infillRequestSchema>;
