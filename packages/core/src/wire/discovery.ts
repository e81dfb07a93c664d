import { z } from "zod";

/** One GPU as seen at discovery time. */
export const deviceInfoSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  name: z.string(),
  vram_total_mb: z.number().nonnegative(),
  compute_capability: z.string().default(""),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

/** `GET /discovery`: static host inventory. A CPU host has `devices: []` and is not an error. */
export const discoverySchema = z.looseObject({
  hostname: z.string(),
  os: z.string(),
  kernel: z.string(),
  cuda_version: z.string().nullable().optional(),
  driver_version: z.string().nullable().optional(),
  devices: z.array(deviceInfoSchema),
  harnesses: z.array(z.string()),
  cuda_unavailable_reason: z.string().optional(),
  max_prompt_tokens: z.number().int().nonnegative().default(0),
  /** Which engine backend the neuron runs: "cuda" | "vulkan" | "cpu" | ... */
  gpu: z.string().optional(),
});
export type Discovery = z.infer<typeof discoverySchema>;
