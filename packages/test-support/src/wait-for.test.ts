import { describe, expect, it } from "vitest";
import { waitFor } from "./wait-for.js";

describe("waitFor", () => {
  it("returns the first value other than undefined, including false", async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls === 3 ? calls : undefined), 30_000, "three calls")).toBe(3);
    expect(await waitFor(() => false, 30_000, "false")).toBe(false);
  });

  it("treats a check that throws as not ready yet", async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error("connection refused");
        return "up";
      },
      30_000,
      "the service",
    );
    expect(value).toBe("up");
  });

  it("times out naming what it waited for and the last error", async () => {
    await expect(
      waitFor(
        () => {
          throw new Error("connection refused");
        },
        200,
        "the port",
      ),
    ).rejects.toThrow("timed out after 200 ms waiting for the port (last error: connection refused)");
  });
});
