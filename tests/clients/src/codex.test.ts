import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { killLeftovers } from "@helexa/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codexScript, PROOF_FILE, PROOF_TEXT } from "./support/client-scripts.js";
import { parseJsonLines } from "./support/parse-json-lines.js";
import { readMetric } from "./support/read-metric.js";
import { runCodex } from "./support/run-codex.js";
import { API_KEY, CAPPED_KEY, type ClientFleet, startClientFleet } from "./support/start-client-fleet.js";

// Codex 0.171.0 (pinned in package.json) against a real cortex + neuron over the Responses API (streamed, as
// Codex always asks): the scripted model calls exec_command, Codex runs it and sends the output back as a
// function_call_output, and the model's final text ends the turn.
const MODEL = "scripted-codex";
const FINAL_TEXT = codexScript.answer.join("");
let fleet: ClientFleet;

beforeAll(async () => {
  fleet = await startClientFleet({ [MODEL]: codexScript }, { tiny: false });
}, 240_000);

afterAll(async () => {
  await fleet?.stop();
  killLeftovers();
});

type Event = { type: string; item?: Record<string, unknown>; usage?: Record<string, number> };
const modelLabels = `model="${MODEL}",node="local"`;

describe("codex exec --json", () => {
  it("runs one turn over wire_api = responses (exec_command call, its output sent back, final text, usage), then resumes it", async () => {
    const before = {
      requests: await readMetric(fleet.metricsUrl, "cortex_requests_total", modelLabels),
      prompt: await readMetric(fleet.metricsUrl, "cortex_prompt_tokens_total", modelLabels),
      completion: await readMetric(
        fleet.metricsUrl,
        "cortex_key_tokens_total",
        `key_id="main",account_id="clients",kind="completion"`,
      ),
    };
    const run = await runCodex({
      cortexUrl: fleet.cortexUrl,
      apiKey: API_KEY,
      model: MODEL,
      wireApi: "responses",
    });
    try {
      expect(run.code, `${run.stderr}\n${run.stdout.slice(-4000)}\n${fleet.logs()}`).toBe(0);
      const events = parseJsonLines(run.stdout) as Event[];
      const completed = events.filter((event) => event.type === "item.completed").map((event) => event.item);
      const command = completed.find((item) => item?.type === "command_execution");
      expect(command).toMatchObject({
        command: expect.stringContaining(`> ${PROOF_FILE} && cat ${PROOF_FILE}`),
        aggregated_output: `${PROOF_TEXT}\n`,
        exit_code: 0,
        status: "completed",
      });
      expect(await readFile(join(run.workFolder, PROOF_FILE), "utf8")).toBe(`${PROOF_TEXT}\n`);
      // The model writes this only once the marker is in its prompt, which only the command's output holds.
      const messages = completed.filter((item) => item?.type === "agent_message").map((item) => item?.text);
      expect(messages).toEqual([FINAL_TEXT]);
      expect(events.some((event) => event.type === "turn.failed" || event.type === "error")).toBe(false);

      const turn = events.find((event) => event.type === "turn.completed");
      expect(turn?.usage?.input_tokens).toBeGreaterThan(1000);
      expect(turn?.usage?.output_tokens).toBeGreaterThan(0);
      // The second request's prompt starts with the first's, which the neuron kept: reported as cached.
      expect(turn?.usage?.cached_input_tokens).toBeGreaterThan(1000);
      // Both requests (the call, then the answer after its output) reached cortex and were charged; Codex's
      // input count is the sum of both prompts, as cortex's.
      expect(await readMetric(fleet.metricsUrl, "cortex_requests_total", modelLabels)).toBe(
        before.requests + 2,
      );
      expect(await readMetric(fleet.metricsUrl, "cortex_prompt_tokens_total", modelLabels)).toBe(
        before.prompt + (turn?.usage?.input_tokens ?? 0),
      );
      expect(
        await readMetric(
          fleet.metricsUrl,
          "cortex_key_tokens_total",
          `key_id="main",account_id="clients",kind="completion"`,
        ),
      ).toBeGreaterThan(before.completion);

      // `codex exec resume`: the thread's history holds the command's output, so the model answers at once.
      const threadId = (events.find((event) => event.type === "thread.started") as { thread_id?: string })
        ?.thread_id;
      expect(threadId).toBeTruthy();
      const resumed = await runCodex({
        cortexUrl: fleet.cortexUrl,
        apiKey: API_KEY,
        model: MODEL,
        wireApi: "responses",
        prompt: "Say it once more.",
        resume: { threadId: threadId as string, after: run },
      });
      expect(resumed.code, `${resumed.stderr}\n${resumed.stdout.slice(-4000)}`).toBe(0);
      const again = (parseJsonLines(resumed.stdout) as Event[])
        .filter((event) => event.type === "item.completed")
        .map((event) => event.item);
      expect(again.filter((item) => item?.type === "command_execution")).toEqual([]);
      expect(again.filter((item) => item?.type === "agent_message").map((item) => item?.text)).toEqual([
        FINAL_TEXT,
      ]);
      expect(await readMetric(fleet.metricsUrl, "cortex_requests_total", modelLabels)).toBe(
        before.requests + 3,
      );
    } finally {
      await run.cleanUp();
    }
  });

  it("refuses wire_api = chat itself (0.171.0 dropped the Chat Completions wire), before any request", async () => {
    const before = await readMetric(fleet.metricsUrl, "cortex_requests_total", modelLabels);
    const run = await runCodex({
      cortexUrl: fleet.cortexUrl,
      apiKey: API_KEY,
      model: MODEL,
      wireApi: "chat",
    });
    try {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/wire_api = "chat"` is no longer supported/);
      expect(await readMetric(fleet.metricsUrl, "cortex_requests_total", modelLabels)).toBe(before);
    } finally {
      await run.cleanUp();
    }
  });

  it("shows a budget refusal's message and fails the turn after one request (no retry loop)", async () => {
    const labels = `key_id="capped",account_id="clients",reason="exceeds_cap"`;
    const before = await readMetric(fleet.metricsUrl, "cortex_budget_rejections_total", labels);
    const run = await runCodex({
      cortexUrl: fleet.cortexUrl,
      apiKey: CAPPED_KEY,
      model: MODEL,
      wireApi: "responses",
    });
    try {
      expect(run.code).toBe(1);
      const events = parseJsonLines(run.stdout) as Array<Event & { error?: { message: string } }>;
      // cortex answers 429 insufficient_quota, which Codex words as its own quota message.
      expect(events.find((event) => event.type === "turn.failed")?.error?.message).toMatch(/Quota exceeded/);
      expect(await readMetric(fleet.metricsUrl, "cortex_budget_rejections_total", labels)).toBe(before + 1);
    } finally {
      await run.cleanUp();
    }
  });

  it("shows an unknown key's refusal (401) and fails the turn after its bounded reconnects", async () => {
    const labels = `reason="unknown_key",source="authorization"`;
    const before = await readMetric(fleet.metricsUrl, "cortex_auth_failures_total", labels);
    const run = await runCodex({
      cortexUrl: fleet.cortexUrl,
      apiKey: "sk-not-a-key",
      model: MODEL,
      wireApi: "responses",
    });
    try {
      expect(run.code).toBe(1);
      const events = parseJsonLines(run.stdout) as Array<Event & { error?: { message: string } }>;
      const failure = events.find((event) => event.type === "turn.failed")?.error?.message;
      expect(failure).toMatch(/^unexpected status 401 Unauthorized: invalid API key/);
      expect(failure).not.toContain("sk-not-a-key");
      // Codex reconnects on a 401 (5 times, its stream_max_retries; it ignores x-should-retry), then stops.
      expect(await readMetric(fleet.metricsUrl, "cortex_auth_failures_total", labels)).toBe(before + 6);
    } finally {
      await run.cleanUp();
    }
  });

  it("shows cortex's model-not-found message and fails the turn after one request", async () => {
    const labels = `code="model_not_found"`;
    const before = await readMetric(fleet.metricsUrl, "cortex_refusals_total", labels);
    const run = await runCodex({
      cortexUrl: fleet.cortexUrl,
      apiKey: API_KEY,
      model: "no-such-model",
      wireApi: "responses",
    });
    try {
      expect(run.code).toBe(1);
      const events = parseJsonLines(run.stdout) as Array<Event & { error?: { message: string } }>;
      expect(events.find((event) => event.type === "turn.failed")?.error?.message).toBe(
        "model 'no-such-model' not found on any node and not in catalogue",
      );
      expect(await readMetric(fleet.metricsUrl, "cortex_refusals_total", labels)).toBe(before + 1);
    } finally {
      await run.cleanUp();
    }
  });
});
