import { ServerResponse } from "node:http";
import type { Context } from "hono";

/** The Node response behind a request served by `@hono/node-server` (`c.env.outgoing`), if any. */
export function nodeOutgoing(c: Context): ServerResponse | undefined {
  const env: unknown = c.env;
  if (typeof env !== "object" || env === null || !("outgoing" in env)) return undefined;
  return env.outgoing instanceof ServerResponse ? env.outgoing : undefined;
}
