import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type CliRun, runCli } from "./run-cli.js";

/** The pinned Codex's launcher, which starts the native binary of its platform package. */
const codexLauncher = join(
  dirname(createRequire(import.meta.url).resolve("@openai/codex/package.json")),
  "bin",
  "codex.js",
);

/** What `runCodex` needs: where cortex is, which key and model, and which wire API the provider declares. */
export interface CodexRun {
  cortexUrl: string;
  apiKey: string;
  model: string;
  wireApi: "responses" | "chat";
  /** Continue this thread (`exec resume <id>`) of an earlier run, in its CODEX_HOME and working folder. */
  resume?: { threadId: string; after: CodexResult };
  /** The user's prompt; by default the request to write the proof file. */
  prompt?: string;
}

/** A finished run, and the HOME and working folder it ran in (removed by `cleanUp`). */
export interface CodexResult extends CliRun {
  home: string;
  workFolder: string;
  cleanUp(): Promise<void>;
}

/**
 * Runs `codex exec --json` once, offline: a fresh CODEX_HOME whose config.toml declares cortex as a custom
 * `model_provider` (its key read from `HELEXA_API_KEY`), no git repository needed, and no sandbox (this
 * container has no landlock for Codex's own).
 */
export async function runCodex(run: CodexRun): Promise<CodexResult> {
  const home = run.resume?.after.home ?? (await mkdtemp(join(tmpdir(), "helexa-codex-home-")));
  const workFolder = run.resume?.after.workFolder ?? (await mkdtemp(join(tmpdir(), "helexa-codex-work-")));
  const codexHome = join(home, ".codex");
  await mkdir(codexHome, { recursive: true });
  await writeFile(
    join(codexHome, "config.toml"),
    [
      `model = ${JSON.stringify(run.model)}`,
      `model_provider = "helexa"`,
      ``,
      `[model_providers.helexa]`,
      `name = "helexa"`,
      `base_url = ${JSON.stringify(`${run.cortexUrl}/v1`)}`,
      `wire_api = "${run.wireApi}"`,
      `env_key = "HELEXA_API_KEY"`,
      ``,
    ].join("\n"),
  );
  const args = [
    codexLauncher,
    "exec",
    "--skip-git-repo-check",
    "--json",
    "--dangerously-bypass-approvals-and-sandbox",
    ...(run.resume === undefined ? [] : ["resume", run.resume.threadId]),
    run.prompt ?? "Write the proof file with one shell command, then say that you did.",
  ];
  const result = await runCli(process.execPath, args, {
    cwd: workFolder,
    timeoutMs: 240_000,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      CODEX_HOME: codexHome,
      HELEXA_API_KEY: run.apiKey,
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
