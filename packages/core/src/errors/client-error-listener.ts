import { malformedHttpRequest, requestHeadersTooLarge, requestTimeout } from "./client-errors.js";
import type { HelexaError } from "./helexa-error.js";
import { type RenderedError, renderAnthropicError, renderOpenAiError } from "./render-error.js";

/** What a Node HTTP server's `clientError` event gives: the parser's or the request timer's error. */
export interface ClientError {
  code?: string;
  reason?: string;
}

/**
 * The client's socket as `clientError` gives it (a `net.Socket`): `_httpMessage` is the response Node has
 * attached to it, if any, whose `req` says which path the failing request was for.
 */
export interface ClientErrorSocket {
  readonly writable: boolean;
  end(data: string): unknown;
  destroy(): unknown;
  _httpMessage?: { headersSent?: boolean; req?: { url?: string } } | null;
}

/** How long a client that got its error may keep the connection half-open before it is cut. */
const CLOSE_GRACE_MS = 5_000;

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
};

/**
 * The error a client gets for what Node's HTTP server refused before any route saw the request, or null when
 * there is nobody to answer (the client reset the connection).
 */
export function errorForClientError(error: ClientError): HelexaError | null {
  switch (error.code) {
    case "ECONNRESET":
      return null;
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return requestTimeout();
    case "HPE_HEADER_OVERFLOW":
      return requestHeadersTooLarge();
    default:
      return malformedHttpRequest(error.reason ?? "it could not be parsed");
  }
}

/** A rendered error as the whole HTTP/1.1 response written to a socket, which is closed after it. */
export function rawErrorResponse(rendered: RenderedError<unknown>): string {
  const body = JSON.stringify(rendered.body);
  const head = [
    `HTTP/1.1 ${rendered.status} ${REASON_PHRASES[rendered.status] ?? "Error"}`,
    "content-type: application/json",
    `content-length: ${new TextEncoder().encode(body).byteLength}`,
    ...Object.entries(rendered.headers).map(([name, value]) => `${name}: ${value}`),
    "connection: close",
  ];
  return `${head.join("\r\n")}\r\n\r\n${body}`;
}

/**
 * A `clientError` listener for a Node HTTP server: a malformed request, headers over the parser's limit or
 * a request that did not arrive within `requestTimeout` get a JSON error in the client's dialect (Anthropic
 * when `isAnthropicPath` says so of the path, once one was parsed) instead of Node's bare status line, and
 * the connection is closed (cut after a few seconds if the client keeps it half-open). Nothing is written once
 * a response to that request has started, and a second error on the same connection only cuts it.
 */
export function createClientErrorListener(
  isAnthropicPath: (path: string) => boolean = () => false,
): (error: ClientError, socket: ClientErrorSocket) => void {
  return (error, socket) => {
    const inFlight = socket._httpMessage ?? undefined;
    const answer = errorForClientError(error);
    if (answer === null || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const path = inFlight?.req?.url;
    const rendered =
      path !== undefined && isAnthropicPath(path) ? renderAnthropicError(answer) : renderOpenAiError(answer);
    socket.end(rawErrorResponse(rendered));
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  };
}
