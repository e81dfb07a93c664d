/**
 * True when `host` is one of `allowed` or a subdomain of one (`cdn-lfs.hf.co` under `hf.co`); names
 * compare case-insensitively, IPv6 brackets are ignored.
 */
export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return allowed.some((entry) => {
    const wanted = entry.replace(/^\[|\]$/g, "").toLowerCase();
    return name === wanted || name.endsWith(`.${wanted}`);
  });
}
