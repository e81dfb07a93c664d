/** How a figure is held against its goal; the verdict is taken on the median of the rounds. */
export interface Target {
  comparison: "<=" | ">=" | ">";
  value: number;
  /** Where the goal comes from, e.g. "issue 5: ≤ 0.4 ms". */
  description: string;
}

/** One value of one figure in one round, as a group reports it. */
export interface Measurement {
  name: string;
  unit: string;
  value: number;
  target?: Target;
}

export type Verdict = "pass" | "miss" | "info";

/** A figure over all rounds. */
export interface Figure {
  name: string;
  unit: string;
  rounds: number[];
  min: number;
  median: number;
  max: number;
  target: Target | null;
  verdict: Verdict;
}

export interface GroupResult {
  name: string;
  description: string;
  /** Why the group (or part of it) did not run, what it could not compare, caveats. */
  notes: string[];
  skipped: boolean;
  wall_seconds: number;
  figures: Figure[];
}

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_bytes: number;
  platform: string;
  kernel: string;
  node_version: string;
  git_sha: string;
  git_dirty: boolean;
  packages: Record<string, string | null>;
}

export interface SuiteResults {
  name: string;
  started_at: string;
  finished_at: string;
  quick: boolean;
  rounds: number;
  machine: MachineInfo;
  groups: GroupResult[];
}

/** What a group may use while it measures. */
export interface GroupContext {
  quick: boolean;
  /** Repository root (the folder holding `apps/` and `bench/`). */
  root: string;
  /** A scratch folder for configs, logs and sockets; removed after the group. */
  scratch: string;
  note(text: string): void;
  log(text: string): void;
}

/** A started group: measured once per round, then disposed. */
export interface GroupSession {
  measureRound(round: number): Promise<Measurement[]>;
  dispose(): Promise<void>;
}

/** A named benchmark group. `setup` starts what the group measures; it may throw `SkipGroup`. */
export interface BenchGroup {
  name: string;
  description: string;
  /** Bound on one round of this group (default 10 minutes): a group whose round is minutes of CPU sets more. */
  roundTimeoutMs?: number;
  setup(context: GroupContext): Promise<GroupSession>;
}

/** Thrown by `setup` when a prerequisite is missing: the group is reported as skipped with the reason. */
export class SkipGroup extends Error {
  override name = "SkipGroup";
}
