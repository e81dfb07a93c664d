import { readdir, readFile } from "node:fs/promises";

/** Resident set size of one process from `/proc/<pid>/status` (Linux), in bytes. */
export async function readRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

async function parentOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; fields after the last ")" are plain.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** A process and all its descendants (nginx's workers, the neuron's model workers). */
export async function processTree(pid: number): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const parents = new Map<number, number | undefined>();
  await Promise.all(pids.map(async (candidate) => parents.set(candidate, await parentOf(candidate))));
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [candidate, parent] of parents) {
      if (parent !== undefined && tree.has(parent) && !tree.has(candidate)) {
        tree.add(candidate);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** RSS of a process and all its descendants (the neuron runs each model in a child worker), in bytes. */
export async function readTreeRssBytes(pid: number): Promise<number> {
  let total = 0;
  for (const member of await processTree(pid)) total += await readRssBytes(member).catch(() => 0);
  return total;
}
