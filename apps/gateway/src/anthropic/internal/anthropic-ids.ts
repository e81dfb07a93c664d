import { randomBytes } from "node:crypto";

/** `msg_…` from the upstream completion id when it has one (stable across logs), else random. */
export function messageId(upstreamId: string | undefined): string {
  const core = upstreamId?.replace(/^chatcmpl-/, "").replace(/[^A-Za-z0-9_]/g, "");
  return `msg_${core ? core : randomBytes(12).toString("hex")}`;
}

/**
 * A `toolu_…` id for a tool call: the upstream's `call_…` id re-prefixed (so the same call keeps the same id
 * in every log), or a random one when the upstream sent none. Anthropic clients check the prefix.
 */
export function toolUseId(upstreamId?: string | null): string {
  if (upstreamId?.startsWith("toolu_")) return upstreamId;
  const core = upstreamId?.replace(/^call_?/, "").replace(/[^A-Za-z0-9_-]/g, "");
  return `toolu_${core ? core : randomBytes(12).toString("hex")}`;
}
