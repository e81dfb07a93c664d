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

/**
 * The neuron's response headers as forwarded to the client: everything but hop-by-hop ones. `fetch` has
 * already decoded any content coding, so `content-encoding` and its `content-length` go too.
 */
export function buildDownstreamHeaders(upstream: Headers): Record<string, string> {
  const headers: Record<string, string> = {};
  const decoded = upstream.has("content-encoding");
  upstream.forEach((value, name) => {
    if (HOP_BY_HOP.has(name)) return;
    if (decoded && (name === "content-encoding" || name === "content-length")) return;
    headers[name] = value;
  });
  return headers;
}
