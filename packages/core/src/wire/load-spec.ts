import { z } from "zod";

/**
 * `POST /models/load` body. `model_id` is a catalogue id, or with `uri` / `path` the id to register the
 * model under. `harness` is accepted (older cortex versions send it) and otherwise ignored.
 */
export const loadSpecSchema = z.looseObject({
  model_id: z.string().min(1),
  harness: z.string().optional(),
  uri: z.string().min(1).nullable().optional(),
  path: z.string().min(1).nullable().optional(),
  quant: z.string().nullable().optional(),
  tensor_parallel: z.number().int().positive().nullable().optional(),
  devices: z.array(z.number().int().nonnegative()).nullable().optional(),
  context_size: z.number().int().positive().nullable().optional(),
  sequences: z.number().int().positive().nullable().optional(),
});
export type LoadSpec = z.infer<typeof loadSpecSchema>;

/** `POST /models/unload` body. `force` ends running requests with an error instead of refusing. */
export const unloadSpecSchema = z.looseObject({
  model_id: z.string().min(1),
  force: z.boolean().default(false),
});
export type UnloadSpec = z.infer<typeof unloadSpecSchema>;

/** Reply of a successful load or unload. */
export const lifecycleReplySchema = z.looseObject({ status: z.enum(["loaded", "unloaded"]) });
export type LifecycleReply = z.infer<typeof lifecycleReplySchema>;

/** `GET /models/{id}/endpoint`. */
export const endpointReplySchema = z.looseObject({ url: z.string().url() });
export type EndpointReply = z.infer<typeof endpointReplySchema>;
