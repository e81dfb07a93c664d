import type { IncomingHttpHeaders } from "node:http";
import type { Identity } from "../entitlements/entitlements.js";
import { type ClientHeaders, clientHeader } from "../internal/client-headers.js";

/** Never forwarded to a neuron: hop-by-hop, framing, compression, and the client's credentials. */
const DROPPED = new Set([
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "accept-encoding",
  "authorization",
  "x-api-key",
  "cookie",
  "x-helexa-account-id",
  "x-helexa-key-id",
  "x-helexa-previous-response-id",
]);

/**
 * The headers cortex sends a neuron for a proxied request: the client's headers minus those above (and any
 * the client's `Connection` header names), the neuron's own bearer token, and the caller's identity stamped
 * as `x-helexa-account-id` / `x-helexa-key-id`. Bodies go uncompressed so they can pass through untouched.
 */
export function buildUpstreamHeaders(
  client: ClientHeaders,
  authToken: string | undefined,
  identity: Identity | null,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const connection = clientHeader(client, "connection");
  // `keep-alive` / `close` are the usual values and name no header worth a set.
  const named =
    connection === null || connection === "keep-alive" || connection === "close"
      ? null
      : new Set(connection.toLowerCase().split(/\s*,\s*/));
  if (client instanceof Headers) {
    client.forEach((value, name) => {
      if (DROPPED.has(name) || named?.has(name)) return;
      headers[name] = value;
    });
  } else {
    for (const name in client) {
      const value = client[name];
      if (value === undefined || DROPPED.has(name) || named?.has(name)) continue;
      headers[name] = typeof value === "string" ? value : value.join(", ");
    }
  }
  headers["content-type"] = "application/json";
  headers["accept-encoding"] = "identity";
  if (authToken !== undefined) headers.authorization = `Bearer ${authToken}`;
  if (identity !== null) {
    headers["x-helexa-account-id"] = identity.accountId;
    headers["x-helexa-key-id"] = identity.keyId;
  }
  return headers;
}

/** Never forwarded to the client: hop-by-hop headers (Node frames its own response). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

/** The neuron's response headers as forwarded to the client: everything but hop-by-hop ones. */
export function buildDownstreamHeaders(upstream: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name)) continue;
    const value = upstream[name];
    if (value === undefined) continue;
    headers[name] = typeof value === "string" ? value : value.join(", ");
  }
  return headers;
}
