import { type ClientHeaders, clientHeader } from "../../internal/client-headers.js";

/** Where a presented key came from; logged and used as a metric label, never the key itself. */
export type KeySource = "authorization" | "x-api-key";

export interface PresentedKey {
  secret: string;
  source: KeySource;
}

/**
 * The key a client presented: `Authorization: Bearer <key>` (scheme case-insensitive, token trimmed) or,
 * when there is no bearer token, `x-api-key` (what Anthropic SDKs send). A bearer token wins when both are
 * sent, so a wrong bearer is refused even beside a right `x-api-key`. Another scheme or an empty token
 * counts as no key.
 */
export function readApiKey(headers: ClientHeaders): PresentedKey | null {
  const authorization = clientHeader(headers, "authorization");
  if (authorization !== null) {
    const trimmed = authorization.trim();
    const space = trimmed.indexOf(" ");
    if (space > 0 && trimmed.slice(0, space).toLowerCase() === "bearer") {
      const token = trimmed.slice(space + 1).trim();
      if (token.length > 0) return { secret: token, source: "authorization" };
    }
  }
  const apiKey = clientHeader(headers, "x-api-key")?.trim();
  if (apiKey !== undefined && apiKey.length > 0) return { secret: apiKey, source: "x-api-key" };
  return null;
}
