import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type CliRun, runCli } from "./run-cli.js";
import { TINY } from "./start-client-fleet.js";

/** The pinned Claude Code's native binary, which its postinstall copies over `bin/claude.exe`. */
const claudeBinary = join(
  dirname(createRequire(import.meta.url).resolve("@anthropic-ai/claude-code/package.json")),
  "bin",
  "claude.exe",
);

/** What `runClaudeCode` needs: where cortex is, which key and model, and how the CLI prints. */
export interface ClaudeCodeRun {
  cortexUrl: string;
  apiKey: string;
  model: string;
  outputFormat: "json" | "stream-json";
  /** Also print the raw stream events (`--include-partial-messages`; stream-json only). */
  partialMessages?: boolean;
  /** Continue this session (`--resume <id>`) of an earlier run, in its HOME and working folder. */
  resume?: { sessionId: string; after: ClaudeCodeResult };
  /** The user's prompt; by default the request to write the proof file. */
  prompt?: string;
}

/** A finished run, and the HOME and working folder it ran in (removed by `cleanUp`). */
export interface ClaudeCodeResult extends CliRun {
  home: string;
  workFolder: string;
  cleanUp(): Promise<void>;
}

/**
 * Runs `claude -p` once, non-interactively, offline: a fresh HOME and config folder, cortex as
 * `ANTHROPIC_BASE_URL`, the small/fast model pointed at `tiny`, no non-essential traffic, no updater.
 * `--allowedTools Bash` lets the Bash tool run without asking (`bypassPermissions` is refused as root).
 */
export async function runClaudeCode(run: ClaudeCodeRun): Promise<ClaudeCodeResult> {
  const home = run.resume?.after.home ?? (await mkdtemp(join(tmpdir(), "helexa-claude-home-")));
  const workFolder = run.resume?.after.workFolder ?? (await mkdtemp(join(tmpdir(), "helexa-claude-work-")));
  const args = [
    "-p",
    run.prompt ?? "Write the proof file with one shell command, then say that you did.",
    ...(run.resume === undefined ? [] : ["--resume", run.resume.sessionId]),
    "--model",
    run.model,
    "--output-format",
    run.outputFormat,
    ...(run.outputFormat === "stream-json" ? ["--verbose"] : []),
    ...(run.partialMessages === true ? ["--include-partial-messages"] : []),
    "--max-turns",
    "3",
    "--allowedTools",
    "Bash",
  ];
  const result = await runCli(claudeBinary, args, {
    cwd: workFolder,
    timeoutMs: 240_000,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, ".claude"),
      ANTHROPIC_BASE_URL: run.cortexUrl,
      ANTHROPIC_API_KEY: run.apiKey,
      ANTHROPIC_SMALL_FAST_MODEL: TINY,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: TINY,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_TELEMETRY: "1",
    },
  });
  return {
    ...result,
    home,
    workFolder,
    async cleanUp() {
      await rm(home, { recursive: true, force: true });
      await rm(workFolder, { recursive: true, force: true });
    },
  };
}
