import { describe, expect, it } from "vitest";
import { locateTomlKey } from "./locate-toml-key.js";

const TEXT = `# neuron
port = 13131

[admission]
max_queue_depth = 2

[[models]]
id = "a"
path = "a.gguf"

[[models]]
id = "b"
sequences = "two"
[models.admission]
max_wait_secs = 1
`;

describe("locateTomlKey", () => {
  it("finds top-level keys and keys in tables", () => {
    expect(locateTomlKey(TEXT, ["port"])).toBe(2);
    expect(locateTomlKey(TEXT, ["admission", "max_queue_depth"])).toBe(5);
  });

  it("counts arrays of tables and their sub-tables", () => {
    expect(locateTomlKey(TEXT, ["models", 0, "path"])).toBe(9);
    expect(locateTomlKey(TEXT, ["models", 1, "sequences"])).toBe(13);
    expect(locateTomlKey(TEXT, ["models", 1, "admission", "max_wait_secs"])).toBe(15);
  });

  it("falls back to the nearest table when the key is absent, and to nothing when no table is", () => {
    expect(locateTomlKey(TEXT, ["models", 1, "path"])).toBe(11);
    expect(locateTomlKey(TEXT, ["gateway", "listen"])).toBeUndefined();
  });

  it("reads dotted and quoted keys", () => {
    expect(
      locateTomlKey(`top = 1\neviction.strategy = "lru"\n[gateway]\n"listen" = "x"\n`, [
        "eviction",
        "strategy",
      ]),
    ).toBe(2);
    expect(locateTomlKey(`[gateway]\n"listen" = "x"\n`, ["gateway", "listen"])).toBe(2);
  });
});
