import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createCorsMiddleware } from "./create-cors-middleware.js";

function app() {
  const hono = new Hono();
  hono.use("*", createCorsMiddleware({ exposeHeaders: ["Retry-After"] }));
  hono.use("*", async (c, next) => {
    if (c.req.header("authorization") === undefined) return c.json({ error: "auth" }, 401);
    return next();
  });
  hono.post("/v1/x", (c) => c.json({ ok: true }));
  return hono;
}

describe("CORS", () => {
  it("answers a preflight before auth", async () => {
    const response = await app().request("/v1/x", {
      method: "OPTIONS",
      headers: {
        origin: "https://ui.example",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://ui.example");
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    // DELETE /v1/responses/{id} from a browser.
    expect(response.headers.get("access-control-allow-methods")?.split(", ")).toContain("DELETE");
  });

  it("adds headers to browser requests only", async () => {
    const browser = await app().request("/v1/x", {
      method: "POST",
      headers: { origin: "https://ui.example", authorization: "Bearer x" },
    });
    expect(browser.headers.get("access-control-allow-origin")).toBe("*");
    expect(browser.headers.get("access-control-expose-headers")).toBe("Retry-After");
    const sdk = await app().request("/v1/x", { method: "POST", headers: { authorization: "Bearer x" } });
    expect(sdk.headers.get("access-control-allow-origin")).toBeNull();
    expect(await sdk.json()).toEqual({ ok: true });
  });
});
