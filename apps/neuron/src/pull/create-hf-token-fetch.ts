/**
 * `fetch` that sends `Authorization: Bearer <token>` (`HF_TOKEN`, as huggingface_hub reads it) to the
 * Hugging Face endpoint's origin only. It sits under the host guard, which follows redirects one hop at a
 * time, so a download that Hugging Face redirects to its CDN (a signed URL on another host) reaches it
 * without the token. Without a token it is `base` itself.
 */
export function createHfTokenFetch(
  base: typeof fetch,
  endpoint: string,
  token: string | undefined,
): typeof fetch {
  if (token === undefined || token === "" || !URL.canParse(endpoint)) return base;
  const origin = new URL(endpoint).origin;
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.origin !== origin) return base(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("authorization", `Bearer ${token}`);
    return base(input, { ...init, headers });
  };
}
