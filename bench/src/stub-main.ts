// Child-process entry of the upstream stub: `node dist/stub-main.js --chunks N --gap-ms MS`.
// Prints `{"event":"listening","url":...}` once it listens on an ephemeral loopback port.
import { parseArgs } from "node:util";
import { announceListening } from "./internal/announce-listening.js";
import { createUpstreamStub } from "./internal/upstream-stub.js";

const { values } = parseArgs({
  options: { chunks: { type: "string", default: "20" }, "gap-ms": { type: "string", default: "5" } },
});
const chunks = Number(values.chunks);
const gapMs = Number(values["gap-ms"]);
if (!Number.isInteger(chunks) || chunks < 1 || !Number.isFinite(gapMs) || gapMs < 0) {
  console.error("stub: --chunks must be a positive integer and --gap-ms a non-negative number");
  process.exit(2);
}
const server = createUpstreamStub({ chunks, gapMs });
announceListening(server);
