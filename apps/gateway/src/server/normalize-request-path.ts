/**
 * The request target with its path made canonical: runs of `/` fold into one and a trailing `/` is dropped
 * (the root stays `/`); the query string is kept as sent. SDKs join a base URL that ends in `/` with a path
 * that starts with one (`http://host/v1/` + `/chat/completions`), and users paste base URLs both ways, so
 * `//v1/messages` and `/v1/models/` reach the same route as their plain spelling. Returns the input itself
 * when it is already canonical, the common case, so nothing is allocated.
 */
export function normalizeRequestPath(target: string): string {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  if (!path.includes("//") && (path.length <= 1 || !path.endsWith("/"))) return target;
  let folded = path.replace(/\/{2,}/g, "/");
  if (folded.length > 1 && folded.endsWith("/")) folded = folded.slice(0, -1);
  return query === -1 ? folded : folded + target.slice(query);
}
