import { describe, expect, it } from "vitest";
import { matchedStop } from "./matched-stop.js";

describe("matchedStop", () => {
  it("names the request stop string node-llama-cpp reports as the trigger", () => {
    const metadata = { stopReason: "customStopTrigger", customStopTrigger: ["END"] };
    expect(matchedStop(metadata, ["###", "END"])).toBe("END");
  });

  it("is undefined when generation ended otherwise", () => {
    expect(matchedStop({ stopReason: "eogToken" }, ["END"])).toBeUndefined();
    expect(matchedStop({ stopReason: "maxTokens" }, ["END"])).toBeUndefined();
    expect(matchedStop({ stopReason: "stopGenerationTrigger" }, ["END"])).toBeUndefined();
  });
});
