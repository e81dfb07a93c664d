import { z } from "zod";

/** The window part of `GET /v1/usage`. Times are ISO 8601; null when nothing in the window will free. */
export const keyUsageWindowSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("balance") }),
  z.object({
    kind: z.literal("rolling"),
    seconds: z.number().int().positive(),
    /** When the oldest spend still in the window frees (spend frees `seconds` after it was made). */
    next_free_at: z.string().nullable(),
    /** When everything spent so far in the window has freed: `spent` falls to 0 then if nothing new is spent. */
    resets_at: z.string().nullable(),
  }),
]);
export type KeyUsageWindow = z.infer<typeof keyUsageWindowSchema>;

/**
 * `GET /v1/usage`: the calling key's own allocation. Budgets are per `key_id` (keys sharing one share it).
 * `hard_cap` and `remaining` are null for an uncapped key; `remaining` is `hard_cap - spent - reserved`,
 * at least 0.
 */
export const keyUsageSchema = z.object({
  object: z.literal("usage"),
  key_id: z.string(),
  account_id: z.string(),
  hard_cap: z.number().int().nonnegative().nullable(),
  spent: z.number().int().nonnegative(),
  reserved: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative().nullable(),
  window: keyUsageWindowSchema,
});
export type KeyUsage = z.infer<typeof keyUsageSchema>;
