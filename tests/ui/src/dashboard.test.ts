import { killLeftovers } from "@helexa/test-support";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/launch-chromium.js";
import {
  ADMIN_KEY,
  chat,
  NODE,
  startUiFleet,
  TINY,
  TINY_COLD,
  type UiFleet,
  USER_KEY,
} from "./support/start-ui-fleet.js";

/**
 * The fleet dashboard in a real browser (playwright-core driving Debian's chromium) against a real cortex
 * and a real neuron on the tiny model. Every wait is for a condition, with generous timeouts.
 */
let fleet: UiFleet;
let browser: Browser;

beforeAll(async () => {
  fleet = await startUiFleet();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  killLeftovers();
}, 60_000);

/** Opens `/` as a browser does, lands on the login form, and signs in with `key`. */
async function signIn(key: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${fleet.cortexUrl}/`);
  expect(new URL(page.url()).pathname).toBe("/ui");
  await page.fill('input[name="key"]', key);
  // The form posts to /ui/login, which sends the browser back to /ui: the signed-in header shows.
  await page.click('button[type="submit"]');
  await page.locator("header.top .who").waitFor({ timeout: 30_000 });
  return page;
}

describe("the dashboard in chromium", () => {
  it("shows the neuron and its model, loads a model from the page, and charts a request sent meanwhile", async () => {
    const page = await signIn(ADMIN_KEY);
    try {
      await page.locator(`[data-node="${NODE}"] [data-health="healthy"]`).waitFor({ timeout: 60_000 });
      await page.locator(`[data-node="${NODE}"] tr[data-model="${TINY}"][data-status="loaded"]`).waitFor();
      expect(await page.locator(".who").getAttribute("data-role")).toBe("admin");

      const form = page.locator(`form[data-load-form][data-node="${NODE}"]`);
      await form.locator("select").selectOption(TINY_COLD);
      await form.locator('button[data-action="load"]').click();
      const reply = await chat(fleet.cortexUrl, USER_KEY);
      expect(reply.status).toBe(200);

      await page
        .locator(`[data-node="${NODE}"] tr[data-model="${TINY_COLD}"][data-status="loaded"]`)
        .waitFor({ timeout: 180_000 });
      await page.locator('.action-log tr[data-action-state="done"]').first().waitFor({ timeout: 60_000 });
      const row = page.locator(`#traffic-totals tr[data-model="${TINY}"]`);
      await row.waitFor({ timeout: 60_000 });
      await page.waitForFunction(
        (model) =>
          Number(
            document
              .querySelector(`#traffic-totals tr[data-model="${model}"]`)
              ?.getAttribute("data-requests"),
          ) >= 1,
        TINY,
        { timeout: 60_000 },
      );
      expect(await page.locator("#chart-rps canvas").count()).toBeGreaterThan(0);
      expect(await page.locator("#chart-latency canvas").count()).toBeGreaterThan(0);
      expect(await page.locator("#chart-cache canvas").count()).toBeGreaterThan(0);
      // The totals row has a cell per column, the two prompt-cache ratios included.
      expect(await row.locator("td").count()).toBe(await page.locator(".traffic-totals thead th").count());
      expect(await page.locator(".traffic-totals thead").textContent()).toContain("Expected hit");
      await page.locator('#usage-body tr[data-key="alice"]').waitFor();
      expect(await page.content()).not.toContain(ADMIN_KEY);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${fleet.logs().slice(-4000)}`);
    } finally {
      await page.context().close();
    }
  }, 300_000);

  it("shows a user key no admin action, and the admin route answers it 403", async () => {
    const page = await signIn(USER_KEY);
    try {
      await page.locator(`[data-node="${NODE}"] tr[data-model="${TINY}"]`).waitFor({ timeout: 60_000 });
      expect(await page.locator(".who").getAttribute("data-role")).toBe("user");
      expect(await page.locator("button[data-action]").count()).toBe(0);
      expect(await page.locator("form[data-load-form]").count()).toBe(0);
      expect(await page.locator('#usage-body tr[data-key="ops-admin"]').count()).toBe(0);
      const refused = await page.evaluate(
        async ([model, node]) => {
          const response = await fetch("/admin/models/unload", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model, node }),
          });
          return { status: response.status, body: (await response.json()) as { error?: unknown } };
        },
        [TINY, NODE] as const,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ type: "permission_error", code: "admin_required" });
    } finally {
      await page.context().close();
    }
  }, 120_000);
});
