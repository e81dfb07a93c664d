import { z } from "zod";

/**
 * A URL cortex calls a neuron at (`[[neurons]] endpoint`, a `[join]` registration's `url`, `neuron.toml`'s
 * `[join] advertise_url`): no `user:password@`. fetch refuses such a URL with a message that quotes it
 * whole, so a password in it would reach `/health`, `cortex status` and the logs; the neuron's token
 * belongs in `auth_token`, sent as `Authorization: Bearer`. The message never echoes the value.
 */
export const credentialFreeUrlSchema = z
  .string()
  .url()
  .refine(
    (value) => !hasUrlCredentials(value),
    "must not carry credentials (user:password@); give the neuron's token as `auth_token` instead",
  );

/** Whether a URL has a user name or password in it; false for a string that is no URL. */
export function hasUrlCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== "" || url.password !== "";
  } catch {
    return false;
  }
}
