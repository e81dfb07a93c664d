import { describe, expect, it } from "vitest";
import { nextSequenceNumber } from "./finish-response.js";

describe("nextSequenceNumber", () => {
  it("is one past the last sequence_number in the text, 0 when there is none", () => {
    const tail =
      'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n' +
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number": 17,"delta":"x"}\n\n';
    expect(nextSequenceNumber(tail)).toBe(18);
    expect(nextSequenceNumber("")).toBe(0);
    expect(nextSequenceNumber('data: {"choices":[]}\n\n')).toBe(0);
  });

  it("skips a number cut off at the end of the text (the event was not finished)", () => {
    expect(nextSequenceNumber('data: {"sequence_number":4}\n\ndata: {"delta":"a","sequence_number":5')).toBe(
      5,
    );
  });
});
