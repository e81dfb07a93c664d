import { killLeftovers } from "@helexa/test-support";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Fleet, startFleet, TINY } from "./support/start-fleet.js";

// Stored responses with the official `openai` SDK against a real cortex (open mode: its in-memory store)
// in front of a real neuron on the tiny model: responses.create chained by previous_response_id,
// responses.retrieve, responses.inputItems.list and responses.delete.
let fleet: Fleet;
let client: OpenAI;

beforeAll(async () => {
  fleet = await startFleet();
  client = new OpenAI({ baseURL: `${fleet.cortexUrl}/v1`, apiKey: "none", maxRetries: 0 });
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  killLeftovers();
});

beforeEach(() => fleet.assertRunning());
afterEach(() => fleet.assertRunning());

describe("stored responses", () => {
  it("chains turns with previous_response_id, retrieves, lists input items and deletes", async () => {
    const first = await client.responses.create({
      model: TINY,
      instructions: "You are terse.",
      input: "Say hello.",
      max_output_tokens: 8,
      temperature: 0,
    });
    expect(first.previous_response_id).toBeNull();

    const second = await client.responses.create({
      model: TINY,
      previous_response_id: first.id,
      input: "Say it again.",
      max_output_tokens: 8,
      temperature: 0,
    });
    expect(second.previous_response_id).toBe(first.id);
    // The second turn's prompt holds the first turn's input and output.
    expect(second.usage?.input_tokens ?? 0).toBeGreaterThan(
      (first.usage?.input_tokens ?? 0) + (first.usage?.output_tokens ?? 0) - 8,
    );

    const retrieved = await client.responses.retrieve(second.id);
    expect(retrieved.id).toBe(second.id);
    expect(retrieved.output_text).toBe(second.output_text);
    expect(retrieved.usage).toEqual(second.usage);

    const items = await client.responses.inputItems.list(second.id, { order: "asc" });
    expect(items.data.length).toBeGreaterThanOrEqual(3);

    await client.responses.delete(second.id);
    await expect(client.responses.retrieve(second.id)).rejects.toMatchObject({ status: 404 });
  });

  it("streamed turns are stored; store: false ones are not; an unknown previous_response_id is 400", async () => {
    const stream = await client.responses.create({
      model: TINY,
      input: "Say hello.",
      max_output_tokens: 8,
      temperature: 0,
      stream: true,
    });
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === "response.completed" || event.type === "response.incomplete") final = event.response;
    }
    expect(final).toBeDefined();
    const retrieved = await client.responses.retrieve(final?.id as string);
    expect(retrieved.output).toEqual(final?.output);

    const unstored = await client.responses.create({
      model: TINY,
      input: "Say hello.",
      max_output_tokens: 4,
      temperature: 0,
      store: false,
    });
    await expect(client.responses.retrieve(unstored.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      client.responses.create({
        model: TINY,
        input: "x",
        previous_response_id: unstored.id,
        max_output_tokens: 4,
      }),
    ).rejects.toMatchObject({ status: 400, param: "previous_response_id" });
  });
});
