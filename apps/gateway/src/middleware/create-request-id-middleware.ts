import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { dialectOfPath } from "../errors/render-error-response.js";
import type { AppEnv } from "../internal/app-env.js";
import { validRequestId } from "../internal/valid-request-id.js";

/**
 * Gives every reply to an Anthropic client (`/v1/messages*`, or any shared route called with
 * `anthropic-version`) a `request-id` header, which Anthropic's SDKs read as the reply's `_request_id`,
 * beside `x-request-id` with the same value. The id is the one dispatch already gave the reply (the
 * client's own `x-request-id` when valid, else a fresh one); a reply that never reached dispatch (a
 * refused key, a malformed body, an unknown route) gets the client's id or a fresh one. Registered
 * first, so it also sees the replies `onError` and `notFound` render.
 */
export function createRequestIdMiddleware(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    await next();
    if (dialectOfPath(c.req.path, c.req.raw.headers) !== "anthropic") return;
    const id =
      c.res.headers.get("x-request-id") ??
      validRequestId(c.req.header("x-request-id") ?? null) ??
      randomUUID();
    try {
      c.res.headers.set("x-request-id", id);
      c.res.headers.set("request-id", id);
    } catch {
      // A response with immutable headers: copy it (same body, status and headers) with the ids added.
      const copy = new Response(c.res.body, c.res);
      copy.headers.set("x-request-id", id);
      copy.headers.set("request-id", id);
      c.res = copy;
    }
  };
}
