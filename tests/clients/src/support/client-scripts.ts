import type { ScriptedModelOptions } from "@helexa/tiny-model";

/**
 * What each client's command writes to the proof file and prints: the scripted model's marker. The command's
 * own text spells it with quotes (`helexa-scripted-'turn'`), so only the tool's output holds it: the model
 * writes its final answer only once the output came back to it in the next request.
 */
export const PROOF_TEXT = "helexa-scripted-turn";
/** The file each client's tool call writes in its working folder. */
export const PROOF_FILE = "proof.txt";
/** The command both clients run. */
export const PROOF_COMMAND = `echo helexa-scripted-'turn' > ${PROOF_FILE} && cat ${PROOF_FILE}`;

/**
 * Claude Code's turn: a `Bash` call in node-llama-cpp's function-call syntax. Its grammar asks for every
 * property of the tool's schema, in the schema's order (Claude Code 2.1.332's `Bash`), so all five are written.
 */
export const claudeScript: ScriptedModelOptions = {
  call: [
    "||call: ",
    "Bash",
    "(",
    `{"command": "${PROOF_COMMAND}", "timeout": 60000, "description": "Write the proof file", "run_in_background": false, "dangerouslyDisableSandbox": false}`,
    ")",
  ],
  marker: PROOF_TEXT,
  answer: ["Claude wrote the proof file", "."],
};

/** Codex's turn: an `exec_command` call with every property of Codex 0.171.0's schema, in its order. */
export const codexScript: ScriptedModelOptions = {
  call: [
    "||call: ",
    "exec_command",
    "(",
    `{"cmd": "${PROOF_COMMAND}", "justification": "", "login": false, "max_output_tokens": 1000, "prefix_rule": [], "sandbox_permissions": "use_default", "shell": "bash", "tty": false, "workdir": ".", "yield_time_ms": 10000}`,
    ")",
  ],
  marker: PROOF_TEXT,
  answer: ["Codex wrote the proof file", "."],
};
