import { randomBytes } from "node:crypto";

/** `msg_…` from the upstream completion id when it has one (stable across logs), else random. */
export function messageId(upstreamId: string | undefined): string {
  const core = upstreamId?.replace(/^chatcmpl-/, "").replace(/[^A-Za-z0-9_]/g, "");
  return `msg_${core ? core : randomBytes(12).toString("hex")}`;
}

/** A `toolu_…` id for a tool call the upstream sent without one. */
export function toolUseId(): string {
  return `toolu_${randomBytes(12).toString("hex")}`;
}
