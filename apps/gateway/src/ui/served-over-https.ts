/** What `servedOverHttps` reads off a request. */
export interface SchemeHints {
  /** The request URL as cortex's listener saw it. */
  url: string;
  /** `X-Forwarded-Proto` (a TLS-terminating proxy's; the first of a comma list is the client's side). */
  forwardedProto: string | undefined;
  /** `Origin`: the scheme the browser itself used (login posts send it; already checked to name our host). */
  origin: string | undefined;
}

/**
 * Whether the browser reached the dashboard over HTTPS, so the key cookie gets `Secure`. cortex listens on
 * plain HTTP and trusts no proxy header for anything else (it has no trusted-proxy setting); here no trust is
 * needed, because each hint can only add `Secure`: a forged `https` makes the forger's own browser drop the
 * cookie (browsers refuse a `Secure` cookie over plain HTTP, loopback excepted), and no header can take
 * `Secure` away from a request that was HTTPS. Plain-HTTP loopback logins (none of the hints say https)
 * keep working.
 */
export function servedOverHttps(hints: SchemeHints): boolean {
  if (schemeOf(hints.url) === "https:") return true;
  const forwarded = hints.forwardedProto?.split(",")[0]?.trim().toLowerCase();
  if (forwarded === "https") return true;
  return hints.origin !== undefined && schemeOf(hints.origin) === "https:";
}

function schemeOf(url: string): string | null {
  try {
    return new URL(url).protocol;
  } catch {
    return null;
  }
}
