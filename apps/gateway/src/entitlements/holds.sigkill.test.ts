import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCortex } from "../test-support/spawn-cortex.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";
import { createEntitlements } from "./create-entitlements.js";
import { entitlementsConfig } from "./test-support/temp-ledger.js";

// A real cortex process, SIGKILLed while a keyed stream is running: the hold it wrote before dispatch
// is charged when the ledger is next opened, so the crash loses no billing.
let neuron: SpawnedNeuron;
let folder = "";

beforeAll(async () => {
  neuron = await spawnTinyNeuron({ sequences: 1, contextSize: 4096 });
  folder = await mkdtemp(join(tmpdir(), "cortex-holds-"));
}, 120_000);

afterAll(async () => {
  await neuron?.kill();
  await rm(folder, { recursive: true, force: true });
});

async function generated(): Promise<number> {
  const text = await (await fetch(`${neuron.url}/metrics`)).text();
  const line = text.split("\n").find((row) => row.startsWith('neuron_completion_tokens_total{model="tiny"}'));
  return Number(line?.split(" ").at(-1) ?? 0);
}

async function waitForModel(url: string, headers: Record<string, string>): Promise<void> {
  for (;;) {
    const listed = (await (await fetch(`${url}/v1/models`, { headers })).json()) as {
      data?: Array<{ id: string }>;
    };
    if (listed.data?.some((model) => model.id === "tiny")) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a cortex killed mid-stream", () => {
  it("leaves its hold in the ledger, charged in full at the next start", async () => {
    const ledgerPath = join(folder, "ledger.sqlite");
    const config = join(folder, "cortex.toml");
    await writeFile(
      config,
      `[gateway]\nlisten = "127.0.0.1:0"\nmetrics_listen = "127.0.0.1:0"\npoll_interval_ms = 200\n\n` +
        `[[neurons]]\nname = "a"\nendpoint = "${neuron.url}"\n\n` +
        `[[entitlements.keys]]\nkey = "sk-crash"\nkey_id = "crash"\naccount_id = "acct"\nhard_cap = 100000\n\n` +
        `[ledger]\npath = ${JSON.stringify(ledgerPath)}\n`,
    );
    const cortex = await spawnCortex(config);
    const auth = { authorization: "Bearer sk-crash" };
    await waitForModel(cortex.url, auth);
    const before = await generated();
    const response = await fetch(`${cortex.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({
        model: "tiny",
        temperature: 0,
        max_tokens: 1500,
        stream: true,
        messages: [{ role: "user", content: "Tell me a long story." }],
      }),
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let frames = 0;
    while (frames < 30) {
      const { done, value } = await reader.read();
      if (done) break;
      frames += new TextDecoder().decode(value).split("data: ").length - 1;
    }
    cortex.child.kill("SIGKILL");
    await new Promise((resolve) => cortex.child.once("exit", resolve));
    await reader.cancel().catch(() => {});
    const leftBehind = new Database(ledgerPath, { readonly: true });
    const holds = leftBehind.prepare("SELECT key_id, tokens FROM holds").all() as Array<{
      key_id: string;
      tokens: number;
    }>;
    leftBehind.close();
    expect(holds).toHaveLength(1);
    const held = holds[0]?.tokens ?? 0;

    const reopened = createEntitlements({
      config: entitlementsConfig({
        keys: [{ key: "sk-crash", key_id: "crash", account_id: "acct", hard_cap: 100000 }],
      }),
      ledgerPath,
    });
    try {
      expect(reopened.usageFor({ keyId: "crash", accountId: "acct" }).spent).toBe(held);
    } finally {
      reopened.dispose();
    }
    // Whatever the neuron made for the request is within the hold.
    expect((await generated()) - before).toBeLessThanOrEqual(held);
    expect(frames).toBeGreaterThan(0);
  }, 120_000);
});
