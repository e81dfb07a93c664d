import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { killLeftovers } from "@helexa/test-support";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, it } from "vitest";
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
 * `pnpm --filter @helexa/ui-tests screenshots`: the dashboard's main views as PNGs under
 * `docs/screenshots/`, from a real cortex + neuron with a minute of traffic (the README shows them).
 */
const OUT = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
let fleet: UiFleet;
let browser: Browser;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  fleet = await startUiFleet();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  killLeftovers();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("takes the dashboard's screenshots", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${fleet.cortexUrl}/`);
  await page.screenshot({ path: `${OUT}login.png` });
  await page.fill('input[name="key"]', ADMIN_KEY);
  await page.click('button[type="submit"]');
  await page.locator("header.top .who").waitFor();
  // Traffic for the charts: a request every second or so for 40 s, one refused by an unknown model.
  for (let second = 0; second < 40; second++) {
    if (second === 5) {
      const form = page.locator(`form[data-load-form][data-node="${NODE}"]`);
      await form.locator("select").selectOption(TINY_COLD);
      await form.locator('button[data-action="load"]').click();
    }
    const model = second > 20 && second % 3 === 0 ? TINY_COLD : TINY;
    const reply = await chat(fleet.cortexUrl, USER_KEY, model, second % 2 === 0);
    await reply.text();
    if (second === 30) await chat(fleet.cortexUrl, USER_KEY, "no-such-model");
    await sleep(1000);
  }
  await page
    .locator(`[data-node="${NODE}"] tr[data-model="${TINY_COLD}"][data-status="loaded"]`)
    .waitFor({ timeout: 120_000 });
  await sleep(4500);
  await page.screenshot({ path: `${OUT}dashboard.png`, fullPage: true });
  await context.close();

  const userContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const user = await userContext.newPage();
  await user.goto(`${fleet.cortexUrl}/ui`);
  await user.fill('input[name="key"]', USER_KEY);
  await user.click('button[type="submit"]');
  await user.locator("header.top .who").waitFor();
  await user.locator(`[data-node="${NODE}"] tr[data-model="${TINY}"]`).waitFor();
  await sleep(2500);
  await user.locator("#fleet").screenshot({ path: `${OUT}fleet-user.png` });
  await userContext.close();
});
