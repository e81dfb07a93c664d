import { describe, expect, it } from "vitest";
import { clientHeader } from "../internal/client-headers.js";
import { buildUpstreamHeaders } from "./create-upstream-client.js";

const identity = { accountId: "acct", keyId: "key-1" };

describe("buildUpstreamHeaders", () => {
  it("drops hop-by-hop headers and credentials and stamps the neuron token and identity (WHATWG Headers)", () => {
    const client = new Headers({
      authorization: "Bearer client-secret",
      "x-api-key": "also-secret",
      connection: "keep-alive, x-drop-me",
      "x-drop-me": "1",
      "user-agent": "sdk/1",
      "content-length": "12",
      "x-helexa-key-id": "forged",
    });
    expect(buildUpstreamHeaders(client, "neuron-token", identity)).toEqual({
      "user-agent": "sdk/1",
      "content-type": "application/json",
      "accept-encoding": "identity",
      authorization: "Bearer neuron-token",
      "x-helexa-account-id": "acct",
      "x-helexa-key-id": "key-1",
    });
  });

  it("gives the same result from Node's parsed headers", () => {
    const client = {
      authorization: "Bearer client-secret",
      "x-api-key": "also-secret",
      connection: "keep-alive, x-drop-me",
      "x-drop-me": "1",
      "user-agent": "sdk/1",
      "content-length": "12",
      "x-helexa-key-id": "forged",
      "x-multi": ["a", "b"],
      host: "cortex:8080",
    };
    expect(buildUpstreamHeaders(client, undefined, null)).toEqual({
      "user-agent": "sdk/1",
      "x-multi": "a, b",
      "content-type": "application/json",
      "accept-encoding": "identity",
    });
  });

  it("keeps every header when Connection names none", () => {
    const headers = buildUpstreamHeaders({ connection: "keep-alive", "x-trace": "t" }, undefined, null);
    expect(headers["x-trace"]).toBe("t");
    expect(headers.connection).toBeUndefined();
  });
});

describe("clientHeader", () => {
  it("reads one header from either shape, null when absent", () => {
    expect(clientHeader(new Headers({ origin: "https://a" }), "origin")).toBe("https://a");
    expect(clientHeader({ origin: "https://a" }, "origin")).toBe("https://a");
    expect(clientHeader({}, "origin")).toBeNull();
    expect(clientHeader(new Headers(), "origin")).toBeNull();
  });
});
