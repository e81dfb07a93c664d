import { describe, expect, it } from "vitest";
import {
  type ClientErrorSocket,
  createClientErrorListener,
  errorForClientError,
  rawErrorResponse,
} from "./client-error-listener.js";
import { renderOpenAiError } from "./render-error.js";

/** A socket that records what the listener does to it. */
function fakeSocket(inFlight?: ClientErrorSocket["_httpMessage"], writable = true) {
  const calls = { written: [] as string[], destroyed: 0 };
  const socket: ClientErrorSocket = {
    writable,
    end(data: string) {
      calls.written.push(data);
    },
    destroy() {
      calls.destroyed += 1;
    },
    _httpMessage: inFlight ?? null,
  };
  return { socket, calls };
}

function parse(raw: string) {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
  );
  return { statusLine, headers, body: JSON.parse(body) as unknown, rawBody: body };
}

describe("errorForClientError", () => {
  it("maps Node's codes to a status: timeout 408, header overflow 431, any parse error 400, a reset nothing", () => {
    expect(errorForClientError({ code: "ERR_HTTP_REQUEST_TIMEOUT" })?.statusCode).toBe(408);
    expect(errorForClientError({ code: "HPE_HEADER_OVERFLOW" })?.statusCode).toBe(431);
    const parse = errorForClientError({ code: "HPE_INVALID_METHOD", reason: "Invalid method encountered" });
    expect(parse?.statusCode).toBe(400);
    expect(parse?.code).toBe("malformed_http_request");
    expect(parse?.message).toContain("Invalid method encountered");
    expect(errorForClientError({})?.statusCode).toBe(400);
    expect(errorForClientError({ code: "ECONNRESET" })).toBeNull();
  });
});

describe("rawErrorResponse", () => {
  it("is a whole HTTP/1.1 response: status line, JSON with its byte length, the error's headers, close", () => {
    const error = errorForClientError({ code: "ERR_HTTP_REQUEST_TIMEOUT" });
    if (error === null) throw new Error("expected an error");
    const raw = rawErrorResponse(renderOpenAiError(error.withHeaders({ "x-request-id": "r-1" })));
    const { statusLine, headers, body, rawBody } = parse(raw);
    expect(statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(headers["content-type"]).toBe("application/json");
    expect(Number(headers["content-length"])).toBe(Buffer.byteLength(rawBody));
    expect(headers.connection).toBe("close");
    expect(headers["x-request-id"]).toBe("r-1");
    expect(body).toMatchObject({ error: { code: "request_timeout", type: "invalid_request_error" } });
  });
});

describe("createClientErrorListener", () => {
  it("answers a malformed request in the OpenAI envelope and closes the connection", () => {
    const { socket, calls } = fakeSocket();
    createClientErrorListener()({ code: "HPE_INVALID_METHOD", reason: "Invalid method encountered" }, socket);
    expect(calls.written).toHaveLength(1);
    const { statusLine, body } = parse(calls.written[0] ?? "");
    expect(statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(body).toMatchObject({ error: { code: "malformed_http_request", param: null } });
  });

  it("speaks Anthropic's envelope when the request's path was parsed and is Anthropic's", () => {
    const isAnthropic = (path: string) => path.startsWith("/v1/messages");
    const { socket, calls } = fakeSocket({ headersSent: false, req: { url: "/v1/messages" } });
    createClientErrorListener(isAnthropic)({ code: "ERR_HTTP_REQUEST_TIMEOUT" }, socket);
    const { statusLine, body } = parse(calls.written[0] ?? "");
    expect(statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(body).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: expect.stringContaining("did not arrive in time") },
    });
    const other = fakeSocket({ headersSent: false, req: { url: "/v1/chat/completions" } });
    createClientErrorListener(isAnthropic)({ code: "HPE_HEADER_OVERFLOW" }, other.socket);
    expect(parse(other.calls.written[0] ?? "").body).toMatchObject({
      error: { code: "request_header_fields_too_large" },
    });
  });

  it("writes nothing into a response already started, on a closed socket, or to a client that reset", () => {
    const started = fakeSocket({ headersSent: true, req: { url: "/v1/chat/completions" } });
    createClientErrorListener()({ code: "ERR_HTTP_REQUEST_TIMEOUT" }, started.socket);
    const closed = fakeSocket(undefined, false);
    createClientErrorListener()({ code: "HPE_INVALID_METHOD" }, closed.socket);
    const reset = fakeSocket();
    createClientErrorListener()({ code: "ECONNRESET" }, reset.socket);
    for (const { calls } of [started, closed, reset]) {
      expect(calls.written).toEqual([]);
      expect(calls.destroyed).toBe(1);
    }
  });
});
