import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { modelInfo } from "../test-support/fake-neuron.js";
import { scriptedSseReply } from "../test-support/scripted-sse-reply.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();

/** A Responses stream whose terminal event carries `text` as its one output message. */
function responsesStream(id: string, text: string) {
  const response = (status: string, output: unknown[]) => ({
    id,
    object: "response",
    created_at: 1,
    status,
    model: "m",
    output,
    previous_response_id: null,
    usage: { input_tokens: 3, output_tokens: 5, total_tokens: 8 },
  });
  const message = {
    type: "message",
    id: "msg_1",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [] }],
  };
  return scriptedSseReply([
    { type: "response.created", sequence_number: 0, response: response("in_progress", []) },
    { type: "response.output_text.delta", sequence_number: 1, item_id: "msg_1", delta: text },
    { type: "response.completed", sequence_number: 2, response: response("completed", [message]) },
  ]);
}

describe("a streamed Responses reply through cortex (fake neuron)", () => {
  it("is stored from its terminal event even when that event is far larger than the usage tail", async () => {
    const text = "word ".repeat(60_000);
    const upstream = await neuron({
      models: [modelInfo("m")],
      inference: () => responsesStream("resp_big", text),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const reply = await cortex.post("/v1/responses", { model: "m", input: "hi", stream: true });
    expect(reply.status).toBe(200);
    await reply.text();
    const stored = await cortex.app.request("/v1/responses/resp_big");
    expect(stored.status).toBe(200);
    const body = (await stored.json()) as { output: Array<{ content: Array<{ text: string }> }> };
    expect(body.output[0]?.content[0]?.text).toBe(text);
  });

  it("is not stored when the request says store: false", async () => {
    const upstream = await neuron({
      models: [modelInfo("m")],
      inference: () => responsesStream("resp_small", "hello"),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const reply = await cortex.post("/v1/responses", { model: "m", input: "hi", stream: true, store: false });
    await reply.text();
    expect((await cortex.app.request("/v1/responses/resp_small")).status).toBe(404);
  });
});
