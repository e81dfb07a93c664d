// Child-process entry of the bare Node proxy column: `node dist/bare-proxy-main.js --upstream URL`.
// Prints `{"event":"listening","url":...}` once it listens on an ephemeral loopback port.
import { parseArgs } from "node:util";
import { createBareNodeProxy } from "./internal/create-bare-node-proxy.js";

const { values } = parseArgs({ options: { upstream: { type: "string" } } });
if (values.upstream === undefined) {
  console.error("bare proxy: --upstream URL is required");
  process.exit(2);
}
const server = createBareNodeProxy(values.upstream);
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  console.log(JSON.stringify({ event: "listening", url: `http://127.0.0.1:${port}` }));
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
