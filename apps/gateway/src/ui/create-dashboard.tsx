import { HelexaError } from "@helexa/core";
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { Registry } from "prom-client";
import type { ColdLoader } from "../cold-load/create-cold-loader.js";
import type { Entitlements } from "../entitlements/entitlements.js";
import type { FleetState } from "../fleet/fleet-state.js";
import type { FetchFunction } from "../fleet/neuron-client.js";
import type { AppEnv } from "../internal/app-env.js";
import { createActionLog } from "./admin/create-action-log.js";
import { createAdminRoutes } from "./admin/create-admin-routes.js";
import { buildFleetView } from "./build-fleet-view.js";
import { createNeuronInfoCache } from "./create-neuron-info-cache.js";
import { type DashboardAccess, KEY_COOKIE, resolveDashboardAccess } from "./dashboard-access.js";
import { DashboardPage } from "./pages/dashboard-page.js";
import { FleetSection } from "./pages/fleet-section.js";
import { LoginPage } from "./pages/login-page.js";
import { UsageSection } from "./pages/usage-section.js";
import { readKeyUsage } from "./read-key-usage.js";
import { serveAsset } from "./serve-asset.js";
import { servedOverHttps } from "./served-over-https.js";
import { createTrafficSampler } from "./traffic/create-traffic-sampler.js";

export interface DashboardOptions {
  fleet: FleetState;
  fetch: FetchFunction;
  registry: Registry;
  clock: { now(): number };
  entitlements?: Entitlements | undefined;
  coldLoader: ColdLoader;
  refreshNode: (name: string) => Promise<void>;
  controlTimeoutMs: number;
}

/** The dashboard's routes and the sampler behind its charts (stopped by `close`). */
export interface Dashboard {
  routes: Hono<AppEnv>;
  close(): void;
}

/**
 * The fleet dashboard, on cortex's own listener: `GET /ui` (and `GET /` for a browser, which asks for
 * HTML), its fragments and assets, the login form, and `/admin/*`. These routes authenticate by
 * themselves (a key header, or the login form's cookie), so mount them before the API's auth middleware.
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { fleet, entitlements } = options;
  const now = () => options.clock.now();
  const sampler = createTrafficSampler({ registry: options.registry, now });
  sampler.start();
  const actions = createActionLog(now);
  const neuronInfo = createNeuronInfoCache(options.fetch, now);

  const fleetFragment = async (access: DashboardAccess) => {
    const info = await neuronInfo.read(fleet.nodes);
    const nodes = buildFleetView(fleet, options.coldLoader.inProgress(), info);
    return <FleetSection nodes={nodes} admin={access.admin} actions={actions.list()} />;
  };
  const usageFragment = async (access: DashboardAccess) => {
    const refusals = sampler.series().refusals;
    const own = access.identity?.keyId;
    const visible = access.admin
      ? refusals
      : refusals.filter((refusal) => own !== undefined && refusal.key_id === own);
    return <UsageSection keys={await readKeyUsage(entitlements, access)} refusals={visible} />;
  };
  const noStore = { "cache-control": "no-store" };

  const routes = new Hono<AppEnv>()
    .on(["GET", "HEAD"], "/", async (c, next) => {
      // A browser asks for HTML: send it to the dashboard. API clients keep `/`'s JSON health.
      if ((c.req.header("accept") ?? "").includes("text/html")) return c.redirect("/ui", 302);
      await next();
    })
    .get("/ui", async (c) => {
      const access = accessOrLogin(c, entitlements);
      if (access instanceof Response) return access;
      const page = (
        <DashboardPage
          access={access}
          fleet={await fleetFragment(access)}
          usage={await usageFragment(access)}
        />
      );
      return c.html(`<!doctype html>${page}`, 200, noStore);
    })
    .post("/ui/login", async (c) => {
      if (entitlements === undefined) return c.redirect("/ui", 303);
      // Another site's page must not sign this browser in with a key of its choosing.
      if (!sameOrigin(c.req.header("origin"), c.req.header("host"))) {
        return c.html(`<!doctype html>${<LoginPage message="Sign in from this page." />}`, 403, noStore);
      }
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const key = typeof form.key === "string" ? form.key.trim() : "";
      try {
        if (
          key === "" ||
          entitlements.authenticate(new Headers({ authorization: `Bearer ${key}` })) === null
        ) {
          return c.html(`<!doctype html>${<LoginPage message="Enter an API key." />}`, 401, noStore);
        }
      } catch (error) {
        if (!HelexaError.is(error)) throw error;
        return c.html(`<!doctype html>${<LoginPage message="That key was not accepted." />}`, 401, noStore);
      }
      setCookie(c, KEY_COOKIE, key, { httpOnly: true, sameSite: "Strict", path: "/", secure: overHttps(c) });
      return c.redirect("/ui", 303);
    })
    .post("/ui/logout", (c) => {
      deleteCookie(c, KEY_COOKIE, { path: "/", secure: overHttps(c) });
      return c.redirect("/ui", 303);
    })
    .get("/ui/fleet", async (c) => {
      const access = resolveDashboardAccess(c, entitlements);
      return c.html(await fleetFragment(access), 200, noStore);
    })
    .get("/ui/usage", async (c) => {
      const access = resolveDashboardAccess(c, entitlements);
      return c.html(await usageFragment(access), 200, noStore);
    })
    .get("/ui/traffic.json", (c) => {
      resolveDashboardAccess(c, entitlements);
      const { refusals: _hidden, ...series } = sampler.series();
      return c.json(series, 200, noStore);
    })
    // Browsers ask for it on every page; without this route it would count as a 401 under require_auth.
    .get("/favicon.ico", (c) => c.body(null, 204))
    .get("/ui/assets/:name", async (c) => (await serveAsset(c.req.param("name"))) ?? c.notFound())
    .route(
      "/",
      createAdminRoutes({
        fleet,
        fetch: options.fetch,
        coldLoader: options.coldLoader,
        entitlements,
        actions,
        refreshNode: options.refreshNode,
        controlTimeoutMs: options.controlTimeoutMs,
      }),
    );
  return { routes, close: () => sampler.stop() };
}

/** No `Origin` (not a browser form), or one naming this host. */
function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Whether the key cookie gets `Secure`: the browser came over HTTPS (see `servedOverHttps`). */
function overHttps(c: Parameters<typeof resolveDashboardAccess>[0]): boolean {
  return servedOverHttps({
    url: c.req.url,
    forwardedProto: c.req.header("x-forwarded-proto"),
    origin: c.req.header("origin"),
  });
}

/** The caller's access, or the login page (401) when a key is needed and missing or wrong. */
function accessOrLogin(
  c: Parameters<typeof resolveDashboardAccess>[0],
  entitlements: Entitlements | undefined,
) {
  try {
    return resolveDashboardAccess(c, entitlements);
  } catch (error) {
    if (!HelexaError.is(error) || error.statusCode !== 401) throw error;
    const message = c.req.header("cookie")?.includes(`${KEY_COOKIE}=`)
      ? "That key is no longer accepted."
      : null;
    return c.html(`<!doctype html>${<LoginPage message={message} />}`, 401, { "cache-control": "no-store" });
  }
}
