import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedCortex, spawnCortex } from "../test-support/spawn-cortex.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";
import { createTestDatabase, testPostgresUrl } from "../test-support/test-postgres.js";

// Three real cortex processes on one PostgreSQL ledger (`[ledger] url`) in front of one real neuron (the
// tiny model): a capped key raced from all three never spends past its cap, and the holds of a gateway
// SIGKILLed mid-stream are charged by the other two once its lease runs out, so every gateway's
// `/v1/usage` shows the same spend.
const serverUrl = testPostgresUrl("shared-ledger.gateways");
const KEY = "sk-shared-ledger";
const AUTH = { authorization: `Bearer ${KEY}` };

let neuron: SpawnedNeuron;
let folder = "";
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (serverUrl === null) return;
  neuron = await spawnTinyNeuron({ sequences: 4, maxQueueDepth: 128, contextSize: 2048 });
  folder = await mkdtemp(join(tmpdir(), "cortex-shared-ledger-"));
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  await neuron?.kill();
  if (folder !== "") await rm(folder, { recursive: true, force: true });
});

/** Three gateways on a fresh database, each with the tiny model routable. */
async function startGateways(name: string, hardCap: number, leaseSeconds: number) {
  if (serverUrl === null) throw new Error("unreachable");
  const database = await createTestDatabase(serverUrl);
  cleanups.push(() => database.drop());
  const config = join(folder, `${name}.toml`);
  await writeFile(
    config,
    `[gateway]\nlisten = "127.0.0.1:0"\nmetrics_listen = "127.0.0.1:0"\npoll_interval_ms = 200\n\n` +
      `[[neurons]]\nname = "a"\nendpoint = "${neuron.url}"\n\n` +
      `[[entitlements.keys]]\nkey = "${KEY}"\nkey_id = "shared"\naccount_id = "acct"\nhard_cap = ${hardCap}\n\n` +
      `[ledger]\nurl = "${database.url}"\nlease_seconds = ${leaseSeconds}\n`,
  );
  const gateways = await Promise.all([0, 1, 2].map(() => spawnCortex(config)));
  for (const gateway of gateways) cleanups.push(() => gateway.stop());
  await Promise.all(gateways.map((gateway) => waitForModel(gateway.url)));
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  cleanups.push(() => client.end());
  return { gateways, client, databaseUrl: database.url };
}

async function waitForModel(url: string): Promise<void> {
  for (;;) {
    const listed = (await (await fetch(`${url}/v1/models`, { headers: AUTH })).json()) as {
      data?: Array<{ id: string }>;
    };
    if (listed.data?.some((model) => model.id === "tiny")) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function usageOn(gateways: SpawnedCortex[]) {
  return Promise.all(
    gateways.map(async (gateway) => (await fetch(`${gateway.url}/v1/usage`, { headers: AUTH })).json()),
  );
}

function chat(url: string, maxTokens: number, stream: boolean) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...AUTH },
    body: JSON.stringify({
      model: "tiny",
      temperature: 0,
      max_tokens: maxTokens,
      stream,
      messages: [{ role: "user", content: "Tell me a very long story." }],
    }),
  });
}

describe.skipIf(serverUrl === null)("three gateways on one PostgreSQL ledger", () => {
  it("a 60-way race on a capped key spread over three gateways spends at most the cap", async () => {
    const CAP = 1500;
    const { gateways, client } = await startGateways("race", CAP, 30);
    // What the database holds against the key (spend + every gateway's holds), sampled during the race:
    // the lock keeps it under the cap at every moment, not only in the final spend.
    let racing = true;
    let peak = 0;
    const sampler = (async () => {
      while (racing) {
        const now = await client.query<{ total: number }>(
          `SELECT ((SELECT coalesce(sum(tokens), 0) FROM holds WHERE key_id = 'shared')
             + (SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM requests
                WHERE key_id = 'shared'))::int AS total`,
        );
        peak = Math.max(peak, now.rows[0]?.total ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const responses = await Promise.all(
      Array.from({ length: 60 }, async (_, index) => {
        const gateway = gateways[index % 3] as SpawnedCortex;
        // Long enough that a granted request spends most of its hold (the tiny model writes to the limit),
        // so gateways granting holds past the cap would show as spend past it.
        const response = await chat(gateway.url, 200, false);
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );
    racing = false;
    await sampler;
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(CAP);
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    const granted = statuses.filter((status) => status === 200).length;
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThan(60);
    // One request's reservation, as a refusal states it: "(N requested, M available)".
    const refusal = responses.find((response) => response.status === 429)?.body as {
      error: { message: string; code: string };
    };
    expect(refusal.error.code).toBe("insufficient_quota");
    const reservation = Number(/\((\d+) requested/.exec(refusal.error.message)?.[1]);
    expect(reservation).toBeGreaterThan(200);

    // Settles are written just after each reply ends: wait for the last one, then every gateway agrees.
    await expect
      .poll(async () => (await usageOn(gateways)).map((usage) => (usage as { reserved: number }).reserved))
      .toEqual([0, 0, 0]);
    const usages = await usageOn(gateways);
    const spent = (usages[0] as { spent: number }).spent;
    expect(usages).toEqual([usages[0], usages[0], usages[0]]);
    expect(usages[0]).toMatchObject({ key_id: "shared", hard_cap: CAP, reserved: 0 });
    expect(spent).toBeLessThanOrEqual(CAP + reservation);
    const rows = await client.query<{ n: number; tokens: number }>(
      "SELECT count(*)::int AS n, sum(prompt_tokens + completion_tokens)::int AS tokens FROM requests",
    );
    expect(rows.rows[0]).toEqual({ n: granted, tokens: spent });
    console.log(
      `race: cap ${CAP}, 60 requests over 3 gateways, ${granted} granted, spent ${spent}, peak spend + holds ${peak}, one reservation ${reservation}`,
    );
  }, 120_000);

  it("holds of a gateway SIGKILLed under load are charged by the others after its lease", async () => {
    // A short lease, yet long beside the survivors' renewals (every third of it) on a loaded machine.
    const { gateways, client } = await startGateways("sigkill", 1_000_000, 5);
    const [victim, ...survivors] = gateways as [SpawnedCortex, SpawnedCortex, SpawnedCortex];
    // Two streams on the victim, one on each survivor: as many as the neuron runs at once, so none queues.
    const streams = await Promise.all(
      [victim, victim, ...survivors].map((gateway) => chat(gateway.url, 400, true)),
    );
    expect(streams.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const readers = streams.map((response) => (response.body as ReadableStream<Uint8Array>).getReader());
    // The victim's two streams are under way (bytes arrived) when it dies.
    for (const reader of readers.slice(0, 2)) await reader.read();
    const held = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM holds");
    expect(held.rows[0]?.n).toBeGreaterThanOrEqual(2);
    victim.child.kill("SIGKILL");
    await new Promise((resolve) => victim.child.once("exit", resolve));
    await Promise.all(readers.slice(0, 2).map((reader) => reader.cancel().catch(() => {})));
    // The survivors' streams run to the end and are settled as usual.
    for (const reader of readers.slice(2)) while (!(await reader.read()).done) {}

    // Nothing is left held once the victim's lease has run out and a survivor has charged it.
    await expect
      .poll(
        async () => (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM holds")).rows[0]?.n,
        {
          timeout: 60_000,
          interval: 250,
        },
      )
      .toBe(0);
    const rows = await client.query<{ outcome: string; n: number; tokens: number }>(
      `SELECT outcome, count(*)::int AS n, sum(prompt_tokens + completion_tokens)::int AS tokens
       FROM requests GROUP BY outcome ORDER BY outcome`,
    );
    expect(rows.rows.map((row) => [row.outcome, row.n])).toEqual([
      ["aborted", 2],
      ["ok", 2],
    ]);
    const total = rows.rows.reduce((sum, row) => sum + row.tokens, 0);
    const usages = await usageOn(survivors);
    expect(usages[1]).toEqual(usages[0]);
    expect(usages[0]).toMatchObject({ spent: total, reserved: 0 });
    const charged = rows.rows.find((row) => row.outcome === "aborted")?.tokens;
    console.log(
      `sigkill: 3 gateways, 4 streams, 1 killed mid-stream; its 2 holds charged by the others (${charged} tokens); spent ${total} on every gateway`,
    );
  }, 120_000);
});
