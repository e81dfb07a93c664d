import { z } from "zod";
import { credentialFreeUrlSchema } from "./credential-free-url-schema.js";

/** Neuron names as `[[neurons]]` takes them; also the registration's id, so it must be safe in URLs and labels. */
const neuronNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "expected 1-63 letters, digits, '.', '_' or '-'");

/**
 * `POST /v1/join` body: a neuron registering itself with cortex (and renewing its registration: the
 * heartbeat sends the same body). Authenticated by cortex's `[join] token`, never by an API key.
 */
export const joinRequestSchema = z.strictObject({
  name: neuronNameSchema,
  /** Base URL cortex polls and dispatches to (`http` or `https`, no path beyond `/`, no `user:password@`). */
  url: credentialFreeUrlSchema.refine(
    (value) => /^https?:\/\//i.test(value),
    "expected an http:// or https:// URL",
  ),
  /** The neuron's `auth_token`, which cortex sends back as `Authorization: Bearer`; null when it runs open. */
  auth_token: z.string().min(1).nullable(),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

/** `POST /v1/join` reply: the registration's id and when it expires unless renewed. */
export const joinReplySchema = z.looseObject({
  id: z.string(),
  expires_at_ms: z.number(),
  /**
   * How long a registration lives without a heartbeat (cortex's `[join] ttl_ms`). The neuron renews at the
   * shorter of its `heartbeat_interval_ms` and a third of this. Optional so a reply without it still counts
   * as a registration (the neuron then keeps its configured interval).
   */
  ttl_ms: z.number().int().positive().optional(),
});
export type JoinReply = z.infer<typeof joinReplySchema>;

/** `POST /v1/join/leave` body: a neuron leaving the fleet (at shutdown) before its registration expires. */
export const leaveRequestSchema = z.strictObject({ name: neuronNameSchema });
export type LeaveRequest = z.infer<typeof leaveRequestSchema>;
