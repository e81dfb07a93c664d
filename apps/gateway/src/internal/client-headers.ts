import type { IncomingHttpHeaders } from "node:http";

/**
 * A client's request headers: a WHATWG `Headers`, or Node's parsed `IncomingHttpHeaders` (lower-case
 * names, repeated headers already joined), which the real server hands over without building a `Headers`.
 */
export type ClientHeaders = Headers | IncomingHttpHeaders;

/** One header of a `ClientHeaders` (name in lower case), or null. */
export function clientHeader(headers: ClientHeaders, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  if (value === undefined) return null;
  return typeof value === "string" ? value : value.join(", ");
}
