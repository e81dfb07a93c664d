import { adminRequired, crossOriginRefused } from "@helexa/core";
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../internal/app-env.js";
import type { DashboardAccess } from "../dashboard-access.js";
import { invalidAdminBody } from "./admin-errors.js";

/** Largest admin request body read. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * Refuses a caller that may not act (403 `admin_required`) and an action sent from another site's page
 * (an `Origin` whose host is not this one: a browser holding the login cookie must not be steered by
 * another page; SameSite=Strict already keeps the cookie off such requests).
 */
export function checkAdminRequest(c: Context<AppEnv>, access: DashboardAccess): void {
  if (!access.admin) throw adminRequired();
  const origin = c.req.header("origin");
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host === null || host !== c.req.header("host")) throw crossOriginRefused();
}

/** Reads and validates a small JSON body; anything else is a 400 naming the field. */
export async function readAdminBody<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
): Promise<z.output<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw invalidAdminBody("send the action as JSON (Content-Type: application/json)");
  }
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw invalidAdminBody("the request body is too large");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidAdminBody("the request body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.join(".") || null;
    throw invalidAdminBody(`${param ?? "body"}: ${issue?.message ?? "invalid"}`, param);
  }
  return parsed.data;
}
