import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { killLeftovers } from "@helexa/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claudeScript, PROOF_COMMAND, PROOF_FILE, PROOF_TEXT } from "./support/client-scripts.js";
import { parseJsonLines } from "./support/parse-json-lines.js";
import { readMetric } from "./support/read-metric.js";
import { runClaudeCode } from "./support/run-claude-code.js";
import { API_KEY, CAPPED_KEY, type ClientFleet, startClientFleet } from "./support/start-client-fleet.js";

// Claude Code 2.1.332 (pinned in package.json) against a real cortex + neuron: one agent turn, in which the
// scripted model calls Bash, Claude Code runs it, sends its result back, and the model's final text ends it.
const MODEL = "scripted-claude";
const FINAL_TEXT = claudeScript.answer.join("");
let fleet: ClientFleet;

beforeAll(async () => {
  fleet = await startClientFleet({ [MODEL]: claudeScript }, { tiny: true });
}, 240_000);

afterAll(async () => {
  await fleet?.stop();
  killLeftovers();
});

const modelLabels = `model="${MODEL}",node="local"`;
const requests = () => readMetric(fleet.metricsUrl, "cortex_requests_total", modelLabels);
const completionTokens = () =>
  readMetric(
    fleet.metricsUrl,
    "cortex_key_tokens_total",
    `key_id="main",account_id="clients",kind="completion"`,
  );

type Event = Record<string, unknown> & { type?: string };
type StreamEvent = { type: string; [field: string]: unknown };

describe("Claude Code -p", () => {
  it("streams one turn (stream-json with partial messages): Bash call, its result sent back, final text, usage; then continues it (--resume, json output)", async () => {
    const before = { requests: await requests(), completion: await completionTokens() };
    const run = await runClaudeCode({
      cortexUrl: fleet.cortexUrl,
      apiKey: API_KEY,
      model: MODEL,
      outputFormat: "stream-json",
      partialMessages: true,
    });
    try {
      expect(run.code, `${run.stderr}\n${run.stdout.slice(-4000)}\n${fleet.logs()}`).toBe(0);
      const events = parseJsonLines(run.stdout) as Event[];

      // What cortex streamed, as Claude Code saw it (raw Anthropic SSE events).
      const streamed = events
        .filter((event) => event.type === "stream_event")
        .map((event) => event.event as StreamEvent);
      const starts = streamed.filter((event) => event.type === "message_start");
      expect(starts).toHaveLength(2);
      for (const start of starts) {
        const usage = (start.message as { usage: { input_tokens: number } }).usage;
        expect(usage.input_tokens).toBeGreaterThan(1000);
      }
      const toolStart = streamed.find(
        (event) =>
          event.type === "content_block_start" &&
          (event.content_block as { type: string }).type === "tool_use",
      );
      expect(toolStart?.content_block).toMatchObject({ type: "tool_use", name: "Bash" });
      expect(
        streamed.some(
          (event) =>
            event.type === "content_block_delta" &&
            (event.delta as { type: string }).type === "input_json_delta",
        ),
      ).toBe(true);
      const stopReasons = streamed
        .filter((event) => event.type === "message_delta")
        .map((event) => (event.delta as { stop_reason: string }).stop_reason);
      expect(stopReasons).toEqual(["tool_use", "end_turn"]);
      const text = streamed
        .filter(
          (event) =>
            event.type === "content_block_delta" && (event.delta as { type: string }).type === "text_delta",
        )
        .map((event) => (event.delta as { text: string }).text)
        .join("");
      expect(text).toBe(FINAL_TEXT);

      // The call, and its result as Claude Code sent it back in the next request (the final text above is
      // written only once the model sees the marker, which only that result holds).
      const toolUse = events
        .filter((event) => event.type === "assistant")
        .flatMap((event) => (event.message as { content: Array<Record<string, unknown>> }).content)
        .find((block) => block.type === "tool_use");
      expect(toolUse).toMatchObject({ name: "Bash", input: { command: PROOF_COMMAND } });
      const toolResult = events
        .filter((event) => event.type === "user")
        .flatMap((event) => (event.message as { content: Array<Record<string, unknown>> }).content)
        .find((block) => block.type === "tool_result");
      expect(toolResult).toMatchObject({ tool_use_id: toolUse?.id, content: PROOF_TEXT, is_error: false });
      expect(await readFile(join(run.workFolder, PROOF_FILE), "utf8")).toBe(`${PROOF_TEXT}\n`);

      const result = events.find((event) => event.type === "result");
      expect(result).toMatchObject({ subtype: "success", is_error: false, num_turns: 2, result: FINAL_TEXT });
      const usage = result?.usage as {
        input_tokens: number;
        output_tokens: number;
        cache_read_input_tokens: number;
      };
      expect(usage.output_tokens).toBeGreaterThan(0);
      // The second request's prompt starts with the first's, which the neuron kept: reported as cache reads.
      expect(usage.cache_read_input_tokens).toBeGreaterThan(1000);

      // Both requests reached cortex and were charged.
      expect(await requests()).toBe(before.requests + 2);
      expect(await completionTokens()).toBeGreaterThan(before.completion);

      // A second turn of the same session, printed as one JSON result: its history holds the tool's output,
      // so the model answers at once.
      const resumed = await runClaudeCode({
        cortexUrl: fleet.cortexUrl,
        apiKey: API_KEY,
        model: MODEL,
        outputFormat: "json",
        prompt: "Say it once more.",
        resume: { sessionId: result?.session_id as string, after: run },
      });
      expect(resumed.code, `${resumed.stderr}\n${resumed.stdout.slice(-4000)}`).toBe(0);
      const again = JSON.parse(resumed.stdout) as Record<string, unknown>;
      expect(again).toMatchObject({
        type: "result",
        subtype: "success",
        is_error: false,
        num_turns: 1,
        result: FINAL_TEXT,
        session_id: result?.session_id,
      });
      expect((again.usage as { output_tokens: number }).output_tokens).toBeGreaterThan(0);
      expect(await requests()).toBe(before.requests + 3);
    } finally {
      await run.cleanUp();
    }
  });

  it("shows a budget refusal's message and exits 1 after one request (no retry loop)", async () => {
    const labels = `key_id="capped",account_id="clients",reason="exceeds_cap"`;
    const before = await readMetric(fleet.metricsUrl, "cortex_budget_rejections_total", labels);
    const run = await runClaudeCode({
      cortexUrl: fleet.cortexUrl,
      apiKey: CAPPED_KEY,
      model: MODEL,
      outputFormat: "json",
    });
    try {
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        is_error: true,
        api_error_status: 429,
        api_error_type: "rate_limit_error",
      });
      expect(result.result).toMatch(/hard cap is 1 tokens/);
      expect(await readMetric(fleet.metricsUrl, "cortex_budget_rejections_total", labels)).toBe(before + 1);
    } finally {
      await run.cleanUp();
    }
  });

  it("shows an unknown key as an authentication failure (401) and exits 1 after one request", async () => {
    const labels = `reason="unknown_key",source="x-api-key"`;
    const before = await readMetric(fleet.metricsUrl, "cortex_auth_failures_total", labels);
    const run = await runClaudeCode({
      cortexUrl: fleet.cortexUrl,
      apiKey: "sk-not-a-key",
      model: MODEL,
      outputFormat: "json",
    });
    try {
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({ is_error: true, api_error_status: 401 });
      expect(JSON.stringify(result)).not.toContain("sk-not-a-key");
      expect(await readMetric(fleet.metricsUrl, "cortex_auth_failures_total", labels)).toBe(before + 1);
    } finally {
      await run.cleanUp();
    }
  });

  it("shows an unknown model as a model problem (404 not_found_error) and exits 1", async () => {
    const labels = `code="model_not_found"`;
    const before = await readMetric(fleet.metricsUrl, "cortex_refusals_total", labels);
    const run = await runClaudeCode({
      cortexUrl: fleet.cortexUrl,
      apiKey: API_KEY,
      model: "no-such-model",
      outputFormat: "json",
    });
    try {
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        is_error: true,
        api_error_status: 404,
        api_error_type: "not_found_error",
      });
      expect(result.result).toMatch(/no-such-model/);
      // Claude Code sends two requests for it (measured with 2.1.332), never a loop.
      const refusals = (await readMetric(fleet.metricsUrl, "cortex_refusals_total", labels)) - before;
      expect(refusals).toBeGreaterThanOrEqual(1);
      expect(refusals).toBeLessThanOrEqual(2);
    } finally {
      await run.cleanUp();
    }
  });
});
