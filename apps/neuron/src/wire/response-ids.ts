import { randomBytes } from "node:crypto";

/** `<prefix>-<24 hex>` / `<prefix>_<24 hex>` ids as OpenAI shapes them. */
export function newId(prefix: "chatcmpl-" | "cmpl-" | "resp_" | "msg_" | "rs_"): string {
  return `${prefix}${randomBytes(12).toString("hex")}`;
}

/** Unix seconds. */
export function unixSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}
