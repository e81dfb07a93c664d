import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "../entitlements/create-entitlements.js";
import { createTempDir, entitlementsConfig } from "../entitlements/test-support/temp-ledger.js";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { modelInfo } from "../test-support/fake-neuron.js";
import { serveApp } from "../test-support/serve-app.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

/** The dashboard and its admin routes on a real socket (`cortex serve`'s listener), over fake neurons. */
const neuron = useFakeNeurons();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ADMIN = "sk-admin-secret";
const USER = "sk-user-secret";

async function start(options: { keys?: boolean; models?: string[] } = {}) {
  const fake = await neuron({
    models: (options.models ?? ["tiny"]).map((id) =>
      modelInfo(id, { limit: { context: 2048, output: 512 } }),
    ),
    discovery: { devices: [{ index: 0, name: "Test GPU <b>", vram_total_mb: 8192, compute_capability: "" }] },
    health: {
      uptime_secs: 3723,
      devices: [{ index: 0, vram_used_mb: 2048, vram_free_mb: 6144, utilization_pct: 0, temp_c: 0 }],
    },
  });
  let entitlements: ReturnType<typeof createEntitlements> | undefined;
  if (options.keys === true) {
    const temp = createTempDir();
    entitlements = createEntitlements({
      config: entitlementsConfig({
        require_auth: true,
        keys: [
          { key: ADMIN, account_id: "ops", key_id: "ops-admin", role: "admin" },
          { key: USER, account_id: "acct-1", key_id: "user-1", hard_cap: 1000 },
        ],
      }),
      ledgerPath: temp.ledgerPath,
    });
    cleanups.push(() => temp.cleanup());
    cleanups.push(() => entitlements?.dispose());
  }
  const cortex: TestCortex = await createTestCortex({
    neurons: [{ name: "gpu-1", url: fake.url, authToken: "neuron-token-xyz" }],
    catalogue: { models: [catalogueModel("cold")] },
    ...(entitlements === undefined ? {} : { entitlements }),
  });
  cleanups.push(() => cortex.close());
  const server = await serveApp(cortex);
  cleanups.push(() => server.close());
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers, redirect: "manual" });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      redirect: "manual",
    });
  return { fake, cortex, server, get, post };
}

function catalogueModel(id: string) {
  return {
    id,
    harness: "llama.cpp",
    min_devices: 1,
    pinned_on: [] as string[],
    priority: 0,
    capabilities: [] as string[],
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe("the dashboard, open mode", () => {
  it("redirects a browser from / to /ui and keeps /'s JSON health for API clients", async () => {
    const { get } = await start();
    const browser = await get("/", { accept: "text/html,application/xhtml+xml" });
    expect(browser.status).toBe(302);
    expect(browser.headers.get("location")).toBe("/ui");
    const api = await get("/", { accept: "application/json" });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { nodes: unknown }).nodes).toEqual({ healthy: 1, total: 1 });
  });

  it("shows each neuron, its GPU, its models with status and capacity, and the admin actions", async () => {
    const { get } = await start();
    const response = await get("/ui");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('data-node="gpu-1"');
    expect(html).toContain('data-model="tiny" data-status="loaded"');
    expect(html).toContain("up 1h 2m");
    expect(html).toContain("2.0 GiB used");
    // Names from neurons and config are escaped.
    expect(html).toContain("Test GPU &lt;b&gt;");
    expect(html).toContain('data-action="unload"');
    expect(html).toContain('<option value="cold">cold</option>');
    expect(html).not.toContain("neuron-token-xyz");
  });

  it("shows a model loading with the neuron's progress", async () => {
    const { fake, cortex, get } = await start();
    fake.models = [...fake.models, modelInfo("cold", { status: "loading" })];
    fake.health = {
      ...fake.health,
      activation: {
        state: "ready",
        pending: [],
        in_progress: null,
        completed: [],
        failed: [],
        progress: { model_id: "cold", phase: "downloading", fraction: 0.42 },
      },
    };
    await cortex.poller.pollNode("gpu-1");
    const html = await (await get("/ui/fleet")).text();
    expect(html).toContain('data-model="cold" data-status="loading"');
    expect(html).toMatch(/downloading 42%/);
    expect(html).toContain('<progress max="1" value="0.420">');
  });

  it("serves uPlot and its own script from the package, and nothing else under /ui/assets", async () => {
    const { get } = await start();
    const uplot = await get("/ui/assets/uplot.js");
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get("content-type")).toMatch(/javascript/);
    expect(await uplot.text()).toContain("uPlot");
    expect((await get("/ui/assets/dashboard.js")).status).toBe(200);
    expect((await get("/ui/assets/uplot.min.css")).status).toBe(404);
    expect((await get("/ui/assets/..%2Fpackage.json")).status).toBe(404);
  });

  it("loads a model onto the chosen node with the neuron's own token, and the action ends done", async () => {
    const { fake, post, get } = await start();
    const response = await post("/admin/models/load", { model: "cold", node: "gpu-1" });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ model: "cold", node: "gpu-1", status: "loading" });
    // Until the load has finished (the test's timeout bounds it): a count of tries would be a speed bound.
    for (;;) {
      const actions = (await (await get("/admin/actions")).json()) as { data: Array<{ state: string }> };
      if (actions.data[0]?.state !== "running") break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const actions = (await (await get("/admin/actions")).json()) as { data: Array<Record<string, unknown>> };
    expect(actions.data[0]).toMatchObject({ action: "load", model: "cold", node: "gpu-1", state: "done" });
    const load = fake.requests.find((request) => request.path === "/models/load");
    expect(load?.headers.authorization).toBe("Bearer neuron-token-xyz");
    expect(JSON.parse(load?.body ?? "{}")).toMatchObject({ model_id: "cold" });
  });

  it("unloads, pins and unpins; pin changes the catalogue's pinned_on in memory", async () => {
    const { cortex, fake, post } = await start({ models: ["tiny", "cold"] });
    const pinned = await post("/admin/models/pin", { model: "cold", node: "gpu-1" });
    expect(await pinned.json()).toMatchObject({ pinned: true, pinned_on: ["gpu-1"] });
    expect(cortex.fleet.catalogueModel("cold")?.pinned_on).toEqual(["gpu-1"]);
    const unpinned = await post("/admin/models/unpin", { model: "cold", node: "gpu-1" });
    expect(await unpinned.json()).toMatchObject({ pinned: false, pinned_on: [] });
    const unloaded = await post("/admin/models/unload", { model: "tiny", node: "gpu-1" });
    expect(unloaded.status).toBe(200);
    expect(fake.models.map((model) => model.id)).toEqual(["cold"]);
  });

  it("answers bad admin requests in the OpenAI envelope with the field at fault", async () => {
    const { post } = await start();
    const missing = await post("/admin/models/load", { model: "cold" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { type: "invalid_request_error", param: "node" } });
    const node = await post("/admin/models/load", { model: "cold", node: "nope" });
    expect(node.status).toBe(404);
    expect(await node.json()).toMatchObject({ error: { code: "node_not_found", param: "node" } });
    const notJson = await fetch(missing.url, {
      method: "POST",
      body: "model=cold",
      headers: { "content-type": "text/plain" },
    });
    expect(notJson.status).toBe(400);
    const unpinnable = await post("/admin/models/pin", { model: "tiny", node: "gpu-1" });
    expect(unpinnable.status).toBe(404);
    expect(await unpinnable.json()).toMatchObject({ error: { code: "model_not_found", param: "model" } });
    const elsewhere = await post(
      "/admin/models/pin",
      { model: "cold", node: "gpu-1" },
      { origin: "https://evil.example" },
    );
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({
      error: { type: "permission_error", code: "cross_origin_refused" },
    });
  });
});

describe("the dashboard with require_auth and roles", () => {
  it("asks for a key, refuses a wrong one, and keeps a good one in an HttpOnly SameSite=Strict cookie", async () => {
    const { server, get } = await start({ keys: true });
    const anonymous = await get("/ui");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('name="key"');
    const login = (key: string) =>
      fetch(`${server.url}/ui/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ key }),
        redirect: "manual",
      });
    const elsewhere = await fetch(`${server.url}/ui/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ key: USER }),
      redirect: "manual",
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get("set-cookie")).toBeNull();
    const wrong = await login("sk-wrong");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("sk-wrong");
    const good = await login(USER);
    expect(good.status).toBe(303);
    expect(good.headers.get("location")).toBe("/ui");
    const cookie = good.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    // Plain HTTP on loopback: a Secure cookie would be dropped by some browsers, and the login would fail.
    expect(cookie).not.toMatch(/;\s*Secure/i);
    const page = await get("/ui", { cookie: cookie.split(";")[0] ?? "" });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-node="gpu-1"');
    expect(html).not.toContain(USER);
  });

  it("marks the key cookie Secure when the browser came over HTTPS (URL, proxy's X-Forwarded-Proto, Origin)", async () => {
    const { cortex, server } = await start({ keys: true });
    const form = (headers: Record<string, string>) => ({
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ key: USER }),
      redirect: "manual" as const,
    });
    const host = new URL(server.url).host;
    const logins = [
      // A TLS server in front of the app itself: the request URL is https.
      await cortex.app.request("https://cortex.example/ui/login", form({})),
      // A TLS-terminating proxy in front of cortex's plain-HTTP listener.
      await fetch(`${server.url}/ui/login`, form({ "x-forwarded-proto": "https" })),
      // The browser's own Origin says https (a proxy that sets no X-Forwarded-Proto).
      await fetch(`${server.url}/ui/login`, form({ origin: `https://${host}` })),
    ];
    for (const login of logins) {
      expect(login.status).toBe(303);
      const cookie = login.headers.get("set-cookie") ?? "";
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(cookie).toMatch(/;\s*Secure/i);
    }
    const logout = await fetch(`${server.url}/ui/logout`, {
      method: "POST",
      headers: { "x-forwarded-proto": "https" },
      redirect: "manual",
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.get("set-cookie")).toMatch(/Max-Age=0.*;\s*Secure/i);
  });

  it("shows a user key no admin action and its own usage only; refuses it on /admin with 403", async () => {
    const { get, post } = await start({ keys: true });
    const html = await (await get("/ui", bearer(USER))).text();
    expect(html).toContain('data-role="user"');
    expect(html).not.toContain("data-action=");
    expect(html).not.toContain("data-load-form");
    expect(html).toContain('data-key="user-1"');
    expect(html).not.toContain('data-key="ops-admin"');
    const refused = await post("/admin/models/load", { model: "cold", node: "gpu-1" }, bearer(USER));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: expect.objectContaining({ type: "permission_error", code: "admin_required" }),
    });
    expect((await get("/admin/actions", bearer(USER))).status).toBe(403);
    expect((await get("/ui/fleet")).status).toBe(401);
    // A browser's favicon request is not a refused key.
    expect((await get("/favicon.ico")).status).toBe(204);
  });

  it("gives an admin key the actions and every key's usage", async () => {
    const { get, post } = await start({ keys: true });
    const html = await (await get("/ui", bearer(ADMIN))).text();
    expect(html).toContain('data-role="admin"');
    expect(html).toContain('data-action="unload"');
    expect(html).toContain('data-key="ops-admin"');
    expect(html).toContain('data-key="user-1"');
    const pinned = await post("/admin/models/pin", { model: "cold", node: "gpu-1" }, bearer(ADMIN));
    expect(pinned.status).toBe(200);
  });
});
