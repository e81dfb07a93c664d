import { isAllowedHost } from "../internal/is-allowed-host.js";

/** A download or one of its redirects went to a host outside `allowed_download_hosts`. */
export class DownloadHostError extends Error {
  override readonly name = "DownloadHostError";
  constructor(readonly host: string) {
    super(`download redirected to '${host}', which is not in allowed_download_hosts`);
  }
}

const MAX_REDIRECTS = 10;

/**
 * `fetch` that follows redirects itself and refuses any hop (the first included) whose host is not
 * allowed, so a permitted URL cannot bounce the download elsewhere. Used for node-llama-cpp's downloader,
 * which fetches through the global `fetch`. A refused hop answers 403 without a request (the downloader
 * retries network errors for minutes but gives up on a 4xx at once) and is reported to `onRefused`, so
 * the caller can fail with the reason.
 */
export function createHostGuardedFetch(
  base: typeof fetch,
  allowedHosts: readonly string[],
  onRefused: (error: DownloadHostError) => void,
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    let url = new URL(request.url);
    let method = request.method;
    let body: ArrayBuffer | undefined =
      method === "GET" || method === "HEAD" ? undefined : await request.arrayBuffer();
    for (let hop = 0; ; hop++) {
      if (!isAllowedHost(url.hostname, allowedHosts)) {
        const error = new DownloadHostError(url.hostname);
        onRefused(error);
        return new Response(error.message, { status: 403, statusText: "Forbidden" });
      }
      const response = await base(url, {
        method,
        headers: request.headers,
        signal: request.signal,
        redirect: "manual",
        ...(body === undefined ? {} : { body }),
      });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new Error(`download: more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url);
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without a body.
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === "POST")
      ) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
      }
    }
  };
}
