import { describe, expect, it } from "vitest";
import { resolveJoinSettings } from "./resolve-join-settings.js";

const join = { url: "http://127.0.0.1:8080/", token: "t", heartbeat_interval_ms: 10_000 };

describe("resolveJoinSettings", () => {
  it("defaults the name to the host's and the URL to the listen address (null until it listens)", () => {
    expect(resolveJoinSettings(join, { host: "127.0.0.1", authToken: undefined }, "gpu-host")).toEqual({
      ok: true,
      settings: {
        cortexUrl: "http://127.0.0.1:8080",
        token: "t",
        name: "gpu-host",
        advertiseUrl: null,
        heartbeatIntervalMs: 10_000,
      },
    });
  });

  it.each(["0.0.0.0", "::"])("refuses a wildcard host %s without advertise_url, naming the key", (host) => {
    const resolved = resolveJoinSettings(join, { host, authToken: "x" }, "h");
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect(resolved.error).toContain("set [join] advertise_url");
    expect(
      resolveJoinSettings({ ...join, advertise_url: "http://10.0.0.7:13131" }, { host, authToken: "x" }, "h")
        .ok,
    ).toBe(true);
  });

  it("refuses a cortex URL or advertise_url with user:password@, naming the key and never the password", () => {
    for (const [changed, key] of [
      [{ url: "http://ops:hunter2-secret@127.0.0.1:8080" }, "[join] url"],
      [{ advertise_url: "http://n:hunter2-secret@127.0.0.1:13131" }, "[join] advertise_url"],
    ] as const) {
      const resolved = resolveJoinSettings(
        { ...join, ...changed },
        { host: "127.0.0.1", authToken: "x" },
        "h",
      );
      expect(resolved.ok).toBe(false);
      if (resolved.ok) continue;
      expect(resolved.error).toContain(`${key} must not carry credentials (user:password@)`);
      expect(resolved.error).not.toContain("hunter2");
    }
  });

  it("refuses to join a cortex on another machine, or advertise a non-loopback URL, without auth_token", () => {
    const remote = resolveJoinSettings(
      { ...join, url: "http://cortex.internal:8080" },
      { host: "127.0.0.1", authToken: undefined },
      "h",
    );
    expect(remote).toEqual({
      ok: false,
      error: expect.stringContaining("the cortex is not on this machine"),
    });
    const advertised = resolveJoinSettings(
      { ...join, advertise_url: "https://gpu7.example.com" },
      { host: "127.0.0.1", authToken: undefined },
      "h",
    );
    expect(advertised).toEqual({ ok: false, error: expect.stringContaining("advertise_url is not on this") });
    expect(
      resolveJoinSettings(
        { ...join, url: "http://cortex.internal:8080" },
        { host: "127.0.0.1", authToken: "s" },
        "h",
      ).ok,
    ).toBe(true);
  });
});
