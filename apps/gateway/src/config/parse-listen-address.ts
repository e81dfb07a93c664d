/** `host:port` (or `[v6]:port`) split for `serve()`. The schema has already checked the shape. */
export function parseListenAddress(address: string): { hostname: string; port: number } {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  const hostname = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return { hostname, port };
}

/** A URL for a bound address; wildcard hosts print as loopback so the line is clickable. */
export function listenUrl(hostname: string, port: number): string {
  const host =
    hostname === "0.0.0.0"
      ? "127.0.0.1"
      : hostname === "::"
        ? "[::1]"
        : hostname.includes(":")
          ? `[${hostname}]`
          : hostname;
  return `http://${host}:${port}`;
}
