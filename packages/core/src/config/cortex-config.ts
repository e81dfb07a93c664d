import { z } from "zod";
import { credentialFreeUrlSchema } from "../wire/credential-free-url-schema.js";

const hostPortSchema = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "expected host:port");

/** A budget window: `balance` never resets; `rolling` frees spend `seconds` after it was made. */
export const budgetWindowSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("balance") }),
  z.strictObject({ kind: z.literal("rolling"), seconds: z.number().int().positive() }),
]);
export type BudgetWindow = z.infer<typeof budgetWindowSchema>;

/** What a key may do: `user` calls the API; `admin` also runs the fleet (load, unload, pin). */
export const keyRoleSchema = z.enum(["user", "admin"]);
export type KeyRole = z.infer<typeof keyRoleSchema>;

/** One `[[entitlements.keys]]`: the secret as `key`, or only its hex `key_sha256` so configs hold no secrets. */
export const apiKeyConfigSchema = z
  .strictObject({
    key: z.string().min(1).optional(),
    key_sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "expected 64 hex digits")
      .optional(),
    account_id: z.string().min(1),
    key_id: z.string().min(1).optional(),
    /** Token cap; absent = uncapped (still metered). */
    hard_cap: z.number().int().nonnegative().optional(),
    window: budgetWindowSchema.default({ kind: "balance" }),
    /** `admin` may also use the dashboard's actions and `/admin/*` (load, unload, pin); default `user`. */
    role: keyRoleSchema.default("user"),
  })
  .refine((entry) => (entry.key === undefined) !== (entry.key_sha256 === undefined), {
    message: "expected exactly one of `key` or `key_sha256`",
    path: ["key"],
  });
export type ApiKeyConfig = z.infer<typeof apiKeyConfigSchema>;

/** One `[[neurons]]` entry. */
export const neuronEndpointConfigSchema = z.strictObject({
  name: z.string().min(1),
  /** Base URL; no `user:password@` (the token goes in `auth_token`). */
  endpoint: credentialFreeUrlSchema,
  /** Sent as `Authorization: Bearer` to this neuron (its `auth_token`). */
  auth_token: z.string().min(1).optional(),
});
export type NeuronEndpointConfig = z.infer<typeof neuronEndpointConfigSchema>;

/**
 * `[join]`: neurons may register themselves (`POST /v1/join`) with this secret. Absent = only `[[neurons]]`.
 * The token is distinct from API keys and from each neuron's `auth_token`; keep it out of logs.
 */
export const joinConfigSchema = z.strictObject({
  token: z.string().min(16, "expected at least 16 characters (a shared secret)"),
  /**
   * A registration not renewed for this long expires and the neuron leaves the fleet. Neurons renew every
   * ttl / 3 at least, so at least a second: below that they would beat faster than a poll can see them.
   */
  ttl_ms: z
    .number()
    .int()
    .min(1_000, "expected at least 1000 (ms): neurons renew every ttl_ms / 3")
    .default(30_000),
});
export type JoinConfig = z.infer<typeof joinConfigSchema>;

/** `cortex.toml`. */
export const cortexConfigSchema = z.strictObject({
  gateway: z.strictObject({
    listen: hostPortSchema,
    metrics_listen: hostPortSchema,
    poll_interval_ms: z.number().int().positive().default(2000),
    poll_timeout_ms: z.number().int().positive().default(5000),
    /** Consecutive failed polls before a node is marked unhealthy. */
    unhealthy_after_failures: z.number().int().positive().default(2),
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024),
    /** A stalled upstream (no bytes for this long) is cut; long but live streams are not. */
    upstream_idle_timeout_ms: z.number().int().positive().default(120_000),
    /** Bound on the wait for a non-streaming reply's headers (the neuron sends them after generating). */
    upstream_response_timeout_ms: z.number().int().positive().default(600_000),
    /** Attempts across replicas when a neuron answers with backpressure or cannot be reached. */
    max_attempts: z.number().int().positive().default(3),
    /** How long a request waits for a cold load before 503 + Retry-After. */
    cold_load_wait_ms: z.number().int().positive().default(120_000),
    /** Bound on one `POST /models/load`. */
    cold_load_timeout_ms: z.number().int().positive().default(1_800_000),
  }),
  models_config: z.string().optional(),
  eviction: z
    .strictObject({
      strategy: z.enum(["lru", "priority"]).default("lru"),
      defrag_after_cycles: z.number().int().nonnegative().default(0),
    })
    .default({ strategy: "lru", defrag_after_cycles: 0 }),
  routing: z
    .strictObject({
      /**
       * `cache_aware`: a request goes to the replica expected to hold the most of its prompt in KV state
       * (within the load bound), else by session, else least busy; `least_busy`: by load alone.
       * See docs/decisions/0007-cache-aware-routing.md.
       */
      strategy: z.enum(["cache_aware", "least_busy"]).default("cache_aware"),
      /** Load bound of cache-aware choices: at most this × the mean load (consistent hashing with bounded loads). */
      load_factor: z.number().min(1).max(16).default(1.25),
    })
    .default({ strategy: "cache_aware", load_factor: 1.25 }),
  neurons: z.array(neuronEndpointConfigSchema).default([]),
  join: joinConfigSchema.optional(),
  entitlements: z
    .strictObject({
      require_auth: z.boolean().default(false),
      keys: z.array(apiKeyConfigSchema).default([]),
    })
    .default({ require_auth: false, keys: [] }),
  ledger: z
    .strictObject({
      path: z.string().default("cortex-ledger.sqlite"),
      /**
       * A PostgreSQL ledger shared by several gateways (`postgres://user:pass@host:5432/db`); when set it
       * replaces `path`. Budgets are then decided in the database, so they hold across gateways.
       */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\/[^\s]+$/, "expected a postgres://user:password@host:port/database URL")
        .optional(),
      /**
       * How long a gateway's budget holds outlive it (PostgreSQL): a gateway renews its holds' lease while it
       * runs; holds whose lease ran out (the gateway died) are charged by any other gateway.
       */
      lease_seconds: z.number().positive().default(30),
      // How long stored Responses API replies (`store`, `previous_response_id`) are kept: 30 days.
      responses_retention_hours: z.number().positive().default(720),
    })
    .default({ path: "cortex-ledger.sqlite", lease_seconds: 30, responses_retention_hours: 720 }),
});
export type CortexConfig = z.infer<typeof cortexConfigSchema>;
