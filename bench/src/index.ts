export { benchGroups } from "./bench-groups.js";
export type {
  BenchGroup,
  Figure,
  GroupContext,
  GroupResult,
  GroupSession,
  MachineInfo,
  Measurement,
  SuiteResults,
  Target,
  Verdict,
} from "./bench-types.js";
export { SkipGroup } from "./bench-types.js";
export { formatResultsTable } from "./format-results-table.js";
export { type BenchArgs, parseBenchArgs } from "./parse-bench-args.js";
export { runSuite, type SuiteOptions } from "./run-suite.js";
export { judge, median, summarizeRounds } from "./summarize-rounds.js";
export { writeResults } from "./write-results.js";
