import { afterEach, describe, expect, it } from "vitest";
import { FleetState } from "../fleet/fleet-state.js";
import { silentLogger } from "../internal/logger.js";
import { createJoinRoute } from "./create-join-route.js";
import { createMemoryRegistrationStore } from "./create-memory-registration-store.js";
import { createRegistrationSync } from "./create-registration-sync.js";
import type { RegistrationStore } from "./registration-store.js";

const TOKEN = "join-secret-0123456789";
const catalogue = { models: [], aliases: {} };

/** One gateway: its fleet (one static neuron), the join route and the sync, over a given store. */
function gateway(store: RegistrationStore, clock: { now: number }) {
  const fleet = new FleetState([{ name: "static-1", endpoint: "http://127.0.0.1:9" }], catalogue);
  const added: string[] = [];
  const sync = createRegistrationSync({
    fleet,
    store,
    now: () => clock.now,
    logger: silentLogger,
    onAdded: async (name) => {
      added.push(name);
    },
  });
  const route = createJoinRoute({
    token: TOKEN,
    store,
    ttlMs: 30_000,
    now: () => clock.now,
    isStaticNeuron: (name) => name === "static-1",
    onChange: () => sync.sync(),
    logger: silentLogger,
  });
  const post = (path: string, body: unknown, token: string | null = TOKEN) =>
    route.request(path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { fleet, sync, post, added };
}

const registration = { name: "gpu-7", url: "http://10.0.0.7:13131/", auth_token: "neuron-token" };

describe("POST /v1/join", () => {
  let clock = { now: 1_000_000 };
  afterEach(() => {
    clock = { now: 1_000_000 };
  });

  it("adds the neuron to the fleet with its URL and token, polls it at once, and renewals change nothing", async () => {
    const { fleet, post, added } = gateway(createMemoryRegistrationStore(), clock);
    const response = await post("/v1/join", registration);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: "gpu-7", expires_at_ms: 1_030_000, ttl_ms: 30_000 });
    const node = fleet.node("gpu-7");
    expect(node?.endpoint).toBe("http://10.0.0.7:13131");
    expect(node?.authToken).toBe("neuron-token");
    expect(added).toEqual(["gpu-7"]);
    clock.now += 10_000;
    expect((await post("/v1/join", registration)).status).toBe(200);
    expect(fleet.node("gpu-7")).toBe(node);
    expect(fleet.nodes.map((entry) => entry.name)).toEqual(["static-1", "gpu-7"]);
  });

  it("refuses a missing, wrong or API-key-shaped credential with 401 invalid_join_token, echoing nothing", async () => {
    const { fleet, post } = gateway(createMemoryRegistrationStore(), clock);
    for (const token of [null, "wrong", `${TOKEN}x`, TOKEN.slice(0, -1), "sk-some-api-key"]) {
      const response = await post("/v1/join", registration, token);
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        error: {
          message: "invalid or missing join token ([join] token in cortex.toml)",
          type: "authentication_error",
          code: "invalid_join_token",
          param: null,
        },
      });
      if (token !== null) expect(text).not.toContain(token);
    }
    expect(fleet.node("gpu-7")).toBeUndefined();
  });

  it.each([
    ["{not json", null, "invalid_json"],
    [{ url: "http://a:1", auth_token: null }, "name", "invalid_request_error"],
    [{ name: "gpu 7", url: "http://a:1", auth_token: null }, "name", "invalid_request_error"],
    [{ name: "gpu-7", url: "file:///etc", auth_token: null }, "url", "invalid_request_error"],
    [{ name: "gpu-7", url: "http://a:1" }, "auth_token", "invalid_request_error"],
  ])("400 for %j, naming %s", async (body, param, codeOrType) => {
    const { post } = gateway(createMemoryRegistrationStore(), clock);
    const response = await post("/v1/join", body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string | null; code: string | null } };
    expect(error.param).toBe(param);
    if (codeOrType === "invalid_json") expect(error.code).toBe("invalid_json");
  });

  it("409 neuron_name_taken for a name in [[neurons]]; the static node is untouched", async () => {
    const { fleet, post } = gateway(createMemoryRegistrationStore(), clock);
    const before = fleet.node("static-1");
    const response = await post("/v1/join", { ...registration, name: "static-1" });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: "neuron_name_taken",
      param: "name",
    });
    expect(fleet.node("static-1")).toBe(before);
  });

  it("400 at param url for a URL with user:password@, echoing no password; nothing is registered", async () => {
    const { fleet, post } = gateway(createMemoryRegistrationStore(), clock);
    const response = await post("/v1/join", {
      ...registration,
      url: "http://gpu:hunter2-secret@10.0.0.7:13131",
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect((JSON.parse(text) as { error: { param: string; message: string } }).error).toMatchObject({
      param: "url",
      message: expect.stringContaining("auth_token"),
    });
    expect(fleet.node("gpu-7")).toBeUndefined();
  });

  it("413 for a body far larger than a registration", async () => {
    const { post } = gateway(createMemoryRegistrationStore(), clock);
    const response = await post("/v1/join", { ...registration, auth_token: "x".repeat(20_000) });
    expect(response.status).toBe(413);
  });
});

describe("registrations across gateways", () => {
  it("a neuron registered with one gateway is added by another gateway's sync, and both drop it when it expires", async () => {
    const clock = { now: 5_000_000 };
    const store = createMemoryRegistrationStore();
    const a = gateway(store, clock);
    const b = gateway(store, clock);
    expect((await a.post("/v1/join", registration)).status).toBe(200);
    expect(b.fleet.node("gpu-7")).toBeUndefined();
    await b.sync.sync();
    expect(b.fleet.node("gpu-7")?.endpoint).toBe("http://10.0.0.7:13131");
    expect(b.added).toEqual(["gpu-7"]);
    // A heartbeat to B renews the registration both read.
    clock.now += 25_000;
    expect((await b.post("/v1/join", registration)).status).toBe(200);
    clock.now += 25_000;
    await a.sync.sync();
    expect(a.fleet.node("gpu-7")).toBeDefined();
    // No heartbeat for longer than the ttl: gone from both, static neurons stay.
    clock.now += 30_001;
    await Promise.all([a.sync.sync(), b.sync.sync()]);
    expect(a.fleet.nodes.map((node) => node.name)).toEqual(["static-1"]);
    expect(b.fleet.nodes.map((node) => node.name)).toEqual(["static-1"]);
  });

  it("a neuron that re-registers at another URL is replaced; one that leaves is removed at once", async () => {
    const clock = { now: 0 };
    const { fleet, post } = gateway(createMemoryRegistrationStore(), clock);
    await post("/v1/join", registration);
    const first = fleet.node("gpu-7");
    await post("/v1/join", { ...registration, url: "http://10.0.0.8:13131" });
    expect(fleet.node("gpu-7")).not.toBe(first);
    expect(fleet.node("gpu-7")?.endpoint).toBe("http://10.0.0.8:13131");
    const left = await post("/v1/join/leave", { name: "gpu-7" });
    expect(left.status).toBe(200);
    expect(fleet.node("gpu-7")).toBeUndefined();
    expect((await post("/v1/join/leave", { name: "gpu-7" }, "wrong")).status).toBe(401);
  });

  it("a registration named like a static neuron in the store (written by another gateway) is ignored", async () => {
    const clock = { now: 0 };
    const store = createMemoryRegistrationStore();
    await store.upsert({
      id: "static-1",
      name: "static-1",
      url: "http://10.9.9.9:1",
      authToken: null,
      registeredAtMs: 0,
      expiresAtMs: 60_000,
    });
    const { fleet, sync } = gateway(store, clock);
    await sync.sync();
    expect(fleet.node("static-1")?.endpoint).toBe("http://127.0.0.1:9");
    expect(sync.joined()).toEqual([]);
  });
});
