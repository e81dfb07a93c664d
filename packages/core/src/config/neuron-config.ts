import { z } from "zod";
import { credentialFreeUrlSchema } from "../wire/credential-free-url-schema.js";

/** Per-model admission: `max_in_flight` is the model's `sequences`; these bound the wait. */
export const admissionConfigSchema = z.strictObject({
  /** Requests waiting per model beyond those running. */
  max_queue_depth: z.number().int().nonnegative().default(8),
  /** A queued request that waits longer than this is refused with 503 + Retry-After. */
  max_wait_secs: z.number().positive().default(30),
  /**
   * A model worker that has work and sends nothing (no tokens, no count, no heartbeat) for this long is
   * stalled: its requests end with an error and it is killed and reloaded. Also bounds a prompt count.
   */
  stall_timeout_secs: z.number().positive().default(30),
});
export type AdmissionConfig = z.infer<typeof admissionConfigSchema>;

/** One `[[models]]` entry of `neuron.toml`: a model the neuron may serve. */
export const neuronModelConfigSchema = z
  .strictObject({
    id: z.string().min(1),
    /** Local GGUF file; relative paths resolve against the config file's folder. */
    path: z.string().min(1).optional(),
    /** `hf:org/repo:quant`, `hf:org/repo/file.gguf` or `https://…/model.gguf`. */
    uri: z.string().min(1).optional(),
    /** Context size per sequence. Default: the model's training context, capped at 8192. */
    context_size: z.number().int().positive().optional(),
    /** Requests decoded concurrently (= max_in_flight). */
    sequences: z.number().int().positive().default(1),
    /** Load at start-up, after the listener is up. */
    preload: z.boolean().default(false),
    /** GPUs for this model's worker (`CUDA_VISIBLE_DEVICES`). */
    devices: z.array(z.number().int().nonnegative()).optional(),
    /** Layers offloaded to the GPU: "auto", "max" or a count. */
    gpu_layers: z
      .union([z.literal("auto"), z.literal("max"), z.number().int().nonnegative()])
      .default("auto"),
    /** Per-model override of `[admission]`. */
    admission: admissionConfigSchema.partial().optional(),
  })
  .refine((model) => model.path !== undefined || model.uri !== undefined, {
    message: "expected one of `path` or `uri`",
    path: ["path"],
  });
export type NeuronModelConfig = z.infer<typeof neuronModelConfigSchema>;

/** `[join]` of `neuron.toml`: register with a cortex (`--join URL --join-token SECRET` on the command line). */
export const neuronJoinConfigSchema = z.strictObject({
  /** A cortex's base URL; any gateway of the fleet will do. Required, here or as `--join`. */
  url: z.string().url().optional(),
  /** cortex's `[join] token`. Required, here, as `--join-token` or as `NEURON_JOIN__TOKEN`. */
  token: z.string().min(1).optional(),
  /** The URL cortex reaches this neuron at. Default: its listen address (a wildcard host needs this set). */
  advertise_url: credentialFreeUrlSchema.optional(),
  /** Name in cortex's routing, metrics and `pinned_on`. Default: this host's name. */
  name: z.string().min(1).optional(),
  /**
   * How often the registration is renewed, at most: when cortex's reply says its `[join] ttl_ms` is shorter
   * than three of these, the neuron renews every ttl / 3 instead (so one lost beat does not expire it).
   */
  heartbeat_interval_ms: z.number().int().positive().default(10_000),
});
export type NeuronJoinConfig = z.infer<typeof neuronJoinConfigSchema>;

/** `neuron.toml`. */
export const neuronConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(13131),
  /** Bind address. Loopback by default; any other address needs `auth_token` (the neuron refuses to start). */
  host: z.string().default("127.0.0.1"),
  /** llama.cpp CPU threads. Default chosen by the neuron from the core count (1 on ≤2 cores). */
  threads: z.number().int().positive().optional(),
  gpu: z.enum(["auto", "cuda", "vulkan", "cpu"]).default("auto"),
  /** When set, inference and lifecycle calls need `Authorization: Bearer <auth_token>`. */
  auth_token: z.string().min(1).optional(),
  /** Where downloaded models are stored; relative to the config file. */
  models_dir: z.string().default("models"),
  /**
   * Hosts that `uri` downloads, and every redirect on the way, may come from; each entry also allows its
   * subdomains. The default is Hugging Face's (`huggingface.co`, and `hf.co` for its CDN and Xet storage).
   */
  allowed_download_hosts: z.array(z.string().min(1)).default(["huggingface.co", "hf.co"]),
  /** Largest request body accepted. */
  max_body_bytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** On SIGTERM, how long running requests may finish before workers are ended. */
  drain_timeout_secs: z.number().nonnegative().default(30),
  admission: admissionConfigSchema.default({ max_queue_depth: 8, max_wait_secs: 30, stall_timeout_secs: 30 }),
  models: z.array(neuronModelConfigSchema).default([]),
  join: neuronJoinConfigSchema.optional(),
  prefix_cache: z
    .strictObject({
      /**
       * Per loaded model: host memory (tmpfs files) for the KV states of sequences about to be reused by
       * another prompt, restored when a returning conversation finds no sequence holding its prefix
       * (restoring is 16–22× faster than recomputing; docs/decisions/0007-cache-aware-routing.md). 0 turns it off.
       */
      host_memory_mb: z.number().int().nonnegative().default(1024),
    })
    .default({ host_memory_mb: 1024 }),
});
export type NeuronConfig = z.infer<typeof neuronConfigSchema>;
