#!/usr/bin/env node
import { runTinyModelCli } from "./internal/run-tiny-model-cli.js";

process.exitCode = await runTinyModelCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
