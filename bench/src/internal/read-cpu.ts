import { readFile } from "node:fs/promises";
import { processTree } from "./read-rss.js";

/** Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ) on every common architecture. */
const TICK_MS = 10;

async function readCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name's last ")": state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU time (user + system, all threads) used so far by a process and its descendants, in ms. */
export async function readTreeCpuMs(pid: number): Promise<number> {
  let total = 0;
  for (const member of await processTree(pid)) total += await readCpuMs(member).catch(() => 0);
  return total;
}
