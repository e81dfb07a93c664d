import { Agent, request as httpRequest, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { urlToHttpOptions } from "node:url";
import type { FetchFunction, GetText } from "./neuron-client.js";

/** Parsed request targets kept at most; a fleet polls two or three paths per neuron. */
const MAX_TARGETS = 4_096;

/**
 * A `FetchFunction` for cortex's control calls to neurons (polls, loads) on Node's own `http.request` with
 * keep-alive agents: the body is read whole and handed back as a `Response`. A poll round over hundreds of
 * neurons costs a fraction of the CPU of the global `fetch` (no WHATWG request pipeline per call). Supports
 * what neuron calls use: a method, string headers, a string body and an abort `signal`. Its `getText`
 * (what polls use) goes further: no `Response`, no `AbortSignal`, each URL parsed once.
 */
export function createHttpFetch(
  options: { maxSockets?: number } = {},
): FetchFunction & { getText: GetText; close(): void } {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const agents = { http: new Agent(agentOptions), https: new HttpsAgent(agentOptions) };
  const fetchOverHttp = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const secure = url.protocol === "https:";
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(url, {
        method: init.method ?? "GET",
        headers: init.headers as Record<string, string> | undefined,
        agent: secure ? agents.https : agents.http,
      });
      const onAbort = () =>
        outgoing.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      outgoing.on("error", (error) => {
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      });
      outgoing.on("response", (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("error", reject);
        incoming.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (typeof value === "string") headers.set(name, value);
          }
          const status = incoming.statusCode ?? 502;
          const empty = status === 204 || status === 304;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
        });
      });
      if (typeof init.body === "string") outgoing.end(init.body);
      else outgoing.end();
    });
  };

  // What `http.request(url)` would derive from each URL, derived once: a poll asks the same URLs every round.
  const targets = new Map<string, { secure: boolean; options: RequestOptions }>();
  const target = (url: string) => {
    let known = targets.get(url);
    if (known === undefined) {
      const parsed = new URL(url);
      const secure = parsed.protocol === "https:";
      known = {
        secure,
        options: { ...urlToHttpOptions(parsed), agent: secure ? agents.https : agents.http },
      };
      if (targets.size >= MAX_TARGETS) targets.clear();
      targets.set(url, known);
    }
    return known;
  };
  const getText: GetText = (url, headers, timeoutMs) => {
    const { secure, options: requestOptions } = target(url);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const outgoing = (secure ? httpsRequest : httpRequest)({ ...requestOptions, method: "GET", headers });
      // The same reason `AbortSignal.timeout` gives, so it reads "timed out" wherever fetch's would.
      const timer = setTimeout(() => {
        const reason = new DOMException("The operation was aborted due to timeout", "TimeoutError");
        fail(reason);
        outgoing.destroy(reason);
      }, timeoutMs);
      outgoing.on("error", fail);
      outgoing.on("response", (incoming) => {
        incoming.setEncoding("utf8");
        let text = "";
        incoming.on("data", (chunk: string) => {
          text += chunk;
        });
        incoming.on("error", fail);
        incoming.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          // `Response.text()` drops a leading byte order mark; so does this.
          resolve({
            status: incoming.statusCode ?? 502,
            text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
          });
        });
      });
      outgoing.end();
    });
  };

  return Object.assign(fetchOverHttp, {
    getText,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}
