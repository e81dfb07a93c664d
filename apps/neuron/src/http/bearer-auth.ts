import { createHash, timingSafeEqual } from "node:crypto";
import { invalidApiKey } from "@helexa/core";
import type { MiddlewareHandler } from "hono";

export interface BearerAuthOptions {
  /** The expected token; when undefined every request passes. */
  token: string | undefined;
  /** Paths that never need the token (monitoring). */
  openPaths: readonly string[];
}

/**
 * Requires `Authorization: Bearer <token>` on every route but `openPaths`. Compared in constant time
 * (over SHA-256 digests, so the length does not leak either); failures are 401 `invalid_api_key`.
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  const expected = options.token === undefined ? undefined : digest(options.token);
  const open = new Set(options.openPaths);
  return async function requireBearerToken(c, next) {
    if (expected === undefined || (c.req.method === "GET" && open.has(c.req.path))) return next();
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1] === undefined || !timingSafeEqual(digest(match[1]), expected)) throw invalidApiKey();
    return next();
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
