// Child-process entry of the bare Node proxy column: `node dist/bare-proxy-main.js --upstream URL`.
// Prints `{"event":"listening","url":...}` once it listens on an ephemeral loopback port.
import { parseArgs } from "node:util";
import { announceListening } from "./internal/announce-listening.js";
import { createBareNodeProxy } from "./internal/create-bare-node-proxy.js";

const { values } = parseArgs({ options: { upstream: { type: "string" } } });
if (values.upstream === undefined) {
  console.error("bare proxy: --upstream URL is required");
  process.exit(2);
}
const server = createBareNodeProxy(values.upstream);
announceListening(server);
