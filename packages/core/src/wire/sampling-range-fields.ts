import { z } from "zod";

/**
 * The sampling fields cortex and the neuron validate alike (OpenAI's, plus llama.cpp's `top_k`, `min_p`
 * and repeat penalties), with the ranges the neuron's engine accepts; each is nullable and optional. A
 * zod shape to spread into a request schema; `n`, `logprobs` and the output limits differ per app.
 */
export const samplingRangeFields = {
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  top_k: z.number().int().min(0).max(2_147_483_647).nullable().optional(),
  min_p: z.number().min(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  repeat_penalty: z.number().positive().nullable().optional(),
  repetition_penalty: z.number().positive().nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(16)], {
      error: "expected a string or an array of at most 16 strings",
    })
    .nullable()
    .optional(),
};

/** OpenAI's `logit_bias`: token id → bias added to its logit, -100 (bans it) to 100; nullable, optional. */
export const logitBiasSchema = z
  .record(z.string().regex(/^\d{1,9}$/, "expected a token id"), z.number().min(-100).max(100))
  .nullable()
  .optional();
