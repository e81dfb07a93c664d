import { describe, expect, it } from "vitest";
import { cortexConfigSchema } from "../config/cortex-config.js";
import { neuronConfigSchema } from "../config/neuron-config.js";
import { joinReplySchema, joinRequestSchema, leaveRequestSchema } from "./join.js";

describe("joinRequestSchema", () => {
  it("takes a name, an http(s) URL and the neuron's token or null", () => {
    expect(
      joinRequestSchema.parse({ name: "gpu-7", url: "http://10.0.0.7:13131", auth_token: "s3cret" }),
    ).toEqual({ name: "gpu-7", url: "http://10.0.0.7:13131", auth_token: "s3cret" });
    expect(
      joinRequestSchema.safeParse({ name: "a", url: "https://a.example", auth_token: null }).success,
    ).toBe(true);
  });

  it.each([
    [{ name: "", url: "http://a:1", auth_token: null }, "name"],
    [{ name: "a b", url: "http://a:1", auth_token: null }, "name"],
    [{ name: "a", url: "ftp://a:1", auth_token: null }, "url"],
    [{ name: "a", url: "not a url", auth_token: null }, "url"],
    [{ name: "a", url: "http://u:p@a:1", auth_token: null }, "url"],
    [{ name: "a", url: "http://a:1" }, "auth_token"],
    [{ name: "a", url: "http://a:1", auth_token: null, extra: 1 }, ""],
  ])("refuses %j at %s", (body, path) => {
    const parsed = joinRequestSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join(".")).toBe(path);
  });

  it("leave takes the name alone", () => {
    expect(leaveRequestSchema.safeParse({ name: "gpu-7" }).success).toBe(true);
    expect(leaveRequestSchema.safeParse({}).success).toBe(false);
  });
});

describe("joinReplySchema", () => {
  it("takes ttl_ms when cortex sends it, and a reply without it is still a registration", () => {
    expect(joinReplySchema.parse({ id: "gpu-7", expires_at_ms: 5, ttl_ms: 3000 }).ttl_ms).toBe(3000);
    expect(joinReplySchema.parse({ id: "gpu-7", expires_at_ms: 5 }).ttl_ms).toBeUndefined();
    expect(joinReplySchema.safeParse({ id: "gpu-7", expires_at_ms: 5, ttl_ms: 0 }).success).toBe(false);
    expect(joinReplySchema.safeParse({ id: "gpu-7" }).success).toBe(false);
  });
});

describe("[join] config", () => {
  const gateway = { listen: "127.0.0.1:0", metrics_listen: "127.0.0.1:0" };

  it("cortex: absent by default; a token of at least 16 characters and a 30 s ttl by default", () => {
    expect(cortexConfigSchema.parse({ gateway }).join).toBeUndefined();
    expect(cortexConfigSchema.parse({ gateway, join: { token: "0123456789abcdef" } }).join).toEqual({
      token: "0123456789abcdef",
      ttl_ms: 30_000,
    });
    expect(cortexConfigSchema.safeParse({ gateway, join: { token: "short" } }).success).toBe(false);
  });

  it("neuron: url and token, a 10 s heartbeat by default", () => {
    const parsed = neuronConfigSchema.parse({ join: { url: "http://cortex:8080", token: "t" } });
    expect(parsed.join).toEqual({ url: "http://cortex:8080", token: "t", heartbeat_interval_ms: 10_000 });
    // url and token may come from the command line instead; the neuron checks the merged settings.
    expect(neuronConfigSchema.safeParse({ join: { name: "gpu-7" } }).success).toBe(true);
    expect(neuronConfigSchema.safeParse({ join: { url: "not a url" } }).success).toBe(false);
    expect(neuronConfigSchema.safeParse({ join: { advertise_url: "http://u:p@gpu-7:1" } }).success).toBe(
      false,
    );
  });
});
