import type { Identity } from "../entitlements/entitlements.js";

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
]);

/**
 * The headers cortex sends a neuron for a proxied request: the client's headers minus those above (and any
 * the client's `Connection` header names), the neuron's own bearer token, and the caller's identity stamped
 * as `x-helexa-account-id` / `x-helexa-key-id`. Bodies go uncompressed so they can pass through untouched.
 */
export function buildUpstreamHeaders(
  client: Headers,
  authToken: string | undefined,
  identity: Identity | null,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const connection = client.get("connection");
  const named = connection === null ? null : new Set(connection.toLowerCase().split(/\s*,\s*/));
  client.forEach((value, name) => {
    if (DROPPED.has(name) || named?.has(name)) return;
    headers[name] = value;
  });
  headers["content-type"] = "application/json";
  headers["accept-encoding"] = "identity";
  if (authToken !== undefined) headers.authorization = `Bearer ${authToken}`;
  if (identity !== null) {
    headers["x-helexa-account-id"] = identity.accountId;
    headers["x-helexa-key-id"] = identity.keyId;
  }
  return headers;
}
