import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import type { AppEnv } from "../internal/app-env.js";
import { serveApp } from "../test-support/serve-app.js";
import { normalizeRequestPath } from "./create-api-server.js";

describe("normalizeRequestPath", () => {
  it("keeps a canonical target as it is", () => {
    for (const target of ["/", "/v1/models", "/v1/models?limit=2", "/v1/models/org/name"])
      expect(normalizeRequestPath(target)).toBe(target);
  });

  it("drops a trailing slash and folds repeated ones, keeping the query", () => {
    expect(normalizeRequestPath("/v1/chat/completions/")).toBe("/v1/chat/completions");
    expect(normalizeRequestPath("//v1/messages")).toBe("/v1/messages");
    expect(normalizeRequestPath("/v1//models/?a=b//")).toBe("/v1/models?a=b//");
    expect(normalizeRequestPath("//")).toBe("/");
  });
});

describe("the API server", () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it("serves a base URL joined with a trailing slash on both the app and the direct path", async () => {
    const app = new Hono<AppEnv>().get("/v1/models", (c) => c.text(`app ${c.req.url.split("?")[1] ?? ""}`));
    const served = await serveApp({
      app,
      serveDirect: (incoming, outgoing) => {
        if (incoming.url !== "/v1/chat/completions") return false;
        outgoing.end("direct");
        return true;
      },
    });
    closers.push(served.close);
    const models = await fetch(`${served.url}/v1//models/?limit=1`);
    expect(models.status).toBe(200);
    expect(await models.text()).toBe("app limit=1");
    const chat = await fetch(`${served.url}//v1/chat/completions/`, { method: "POST", body: "{}" });
    expect(await chat.text()).toBe("direct");
  });
});
