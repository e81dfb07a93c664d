import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchGroup, GroupResult, Measurement, SuiteResults } from "./bench-types.js";
import { SkipGroup } from "./bench-types.js";
import { collectMachineInfo } from "./collect-machine-info.js";
import { summarizeRounds } from "./summarize-rounds.js";

export interface SuiteOptions {
  name: string;
  quick: boolean;
  rounds: number;
  groups: readonly BenchGroup[];
  /** Repository root. */
  root: string;
  log?: (text: string) => void;
  /** Bound on one round of any group, over the group's own; a round that takes longer fails the group. */
  roundTimeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runGroup(group: BenchGroup, options: SuiteOptions): Promise<GroupResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const notes: string[] = [];
  const scratch = await mkdtemp(join(tmpdir(), `helexa-bench-${group.name}-`));
  const context = {
    quick: options.quick,
    root: options.root,
    scratch,
    note: (text: string) => notes.push(text),
    log: (text: string) => log(`[${group.name}] ${text}`),
  };
  const rounds: Measurement[][] = [];
  let skipped = false;
  try {
    const session = await group.setup(context);
    try {
      for (let round = 0; round < options.rounds; round += 1) {
        context.log(`round ${round + 1}/${options.rounds}`);
        globalThis.gc?.();
        const timeout = options.roundTimeoutMs ?? group.roundTimeoutMs ?? 600_000;
        rounds.push(await withTimeout(session.measureRound(round), timeout, `round ${round + 1}`));
      }
    } finally {
      await session.dispose();
    }
  } catch (error) {
    skipped = rounds.length === 0;
    const message = error instanceof Error ? error.message : String(error);
    notes.push(error instanceof SkipGroup ? `skipped: ${message}` : `FAILED: ${message}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return {
    name: group.name,
    description: group.description,
    notes,
    skipped,
    wall_seconds: (performance.now() - started) / 1000,
    figures: summarizeRounds(rounds),
  };
}

/** Runs each group (setup, `rounds` rounds, dispose) one after another and gathers the figures. */
export async function runSuite(options: SuiteOptions): Promise<SuiteResults> {
  const startedAt = new Date().toISOString();
  const groups: GroupResult[] = [];
  for (const group of options.groups) {
    options.log?.(`[${group.name}] ${group.description}`);
    groups.push(await runGroup(group, options));
  }
  return {
    name: options.name,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    quick: options.quick,
    rounds: options.rounds,
    machine: collectMachineInfo(options.root),
    groups,
  };
}
