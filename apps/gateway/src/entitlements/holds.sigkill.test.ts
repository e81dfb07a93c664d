import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCortex } from "../test-support/spawn-cortex.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";
import { lookUpLeftoverHolds } from "./look-up-leftover-holds.js";

// A real cortex process, SIGKILLed while a keyed stream is running: the hold it wrote before dispatch
// is charged when the ledger is next opened (at what the neuron generated, which it still knows), so the
// crash loses no billing. The unit tests cover the fallback to the whole hold.
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
  it("leaves its hold in the ledger, charged at the next start at what the neuron generated", async () => {
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

    // The neuron saw the connection drop and stopped: what it generated is what the restart charges.
    const reported = await lookUpLeftoverHolds(ledgerPath, [{ endpoint: neuron.url }]);
    expect(reported.size).toBe(1);
    const usage = [...reported.values()][0];
    // A restarted cortex charges it so.
    const restarted = await spawnCortex(config);
    try {
      const response = await fetch(`${restarted.url}/v1/usage`, { headers: auth });
      const spent = ((await response.json()) as { spent: number }).spent;
      expect(spent).toBe((usage?.promptTokens ?? 0) + (usage?.completionTokens ?? 0));
      expect(spent).toBeLessThanOrEqual(held);
    } finally {
      await restarted.stop();
    }
    const after = new Database(ledgerPath, { readonly: true });
    expect((after.prepare("SELECT count(*) AS n FROM holds").get() as { n: number }).n).toBe(0);
    expect(after.prepare("SELECT outcome FROM requests").all()).toEqual([{ outcome: "aborted" }]);
    after.close();
    expect((await generated()) - before).toBe(usage?.completionTokens);
    expect(frames).toBeGreaterThan(0);
  }, 120_000);
});
