import { createHash, timingSafeEqual } from "node:crypto";
import {
  conflict,
  formatZodIssue,
  invalidJoinToken,
  invalidRequest,
  joinRequestSchema,
  leaveRequestSchema,
  readRequestText,
} from "@helexa/core";
import { Hono } from "hono";
import type { z } from "zod";
import { createErrorHandler } from "../errors/create-error-handler.js";
import type { AppEnv } from "../internal/app-env.js";
import type { Logger } from "../internal/logger.js";
import { parseJsonBody } from "../routes/serve-pass-through.js";
import type { RegistrationStore } from "./registration-store.js";

/** A registration body is a name, a URL and a token: anything near this size is not one. */
const MAX_JOIN_BODY_BYTES = 16 * 1024;

export interface JoinRouteOptions {
  /** `[join] token`: the only credential these routes take (API keys and neuron tokens are refused). */
  token: string;
  store: RegistrationStore;
  /** `[join] ttl_ms`: a registration lives this long after its last heartbeat. */
  ttlMs: number;
  now: () => number;
  /** Names of `[[neurons]]`: a registration may not take one over. */
  isStaticNeuron: (name: string) => boolean;
  /** After a registration or a leave is stored: apply it to this gateway's fleet at once. */
  onChange: () => Promise<void>;
  logger: Logger;
}

/**
 * `POST /v1/join` (register, and renew: the heartbeat sends the same body) and `POST /v1/join/leave`, for
 * neurons that join the fleet by themselves. Authenticated by `Authorization: Bearer <[join] token>`,
 * compared in constant time; mounted before the API-key middleware, so an API key is no credential here.
 */
export function createJoinRoute(options: JoinRouteOptions): Hono<AppEnv> {
  if (options.token.length === 0) throw new TypeError("createJoinRoute: token must not be empty");
  const expected = digest(options.token);
  const authorize = (header: string | undefined) => {
    const presented = bearerToken(header);
    // Hashing first makes both sides 32 bytes, so the comparison's time says nothing about the length either.
    if (presented === null || !timingSafeEqual(digest(presented), expected)) throw invalidJoinToken();
  };
  const route = new Hono<AppEnv>();
  // Its own error handler: it is mounted in front of the app (see `withJoinRoute`), not inside it.
  route.onError(createErrorHandler(options.logger));
  return route
    .post("/v1/join", async (c) => {
      authorize(c.req.header("authorization"));
      const request = await readBody(c.req.raw, joinRequestSchema);
      if (options.isStaticNeuron(request.name)) {
        throw conflict(
          "neuron_name_taken",
          `neuron name '${request.name}' is configured in [[neurons]]; register under another name`,
          "name",
        );
      }
      const now = options.now();
      const expiresAtMs = now + options.ttlMs;
      await options.store.upsert({
        id: request.name,
        name: request.name,
        url: request.url.replace(/\/+$/, ""),
        authToken: request.auth_token,
        registeredAtMs: now,
        expiresAtMs,
      });
      await options.onChange();
      return c.json({ id: request.name, expires_at_ms: expiresAtMs, ttl_ms: options.ttlMs });
    })
    .post("/v1/join/leave", async (c) => {
      authorize(c.req.header("authorization"));
      const request = await readBody(c.req.raw, leaveRequestSchema);
      await options.store.remove(request.name);
      await options.onChange();
      return c.json({ id: request.name, left: true });
    });
}

async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const { body } = parseJsonBody(await readRequestText(request, MAX_JOIN_BODY_BYTES), false);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw invalidRequest("invalid registration");
  const { param, message } = formatZodIssue(issue);
  throw invalidRequest(message, param);
}

function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  const space = trimmed.indexOf(" ");
  if (space <= 0 || trimmed.slice(0, space).toLowerCase() !== "bearer") return null;
  const token = trimmed.slice(space + 1).trim();
  return token.length === 0 ? null : token;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
