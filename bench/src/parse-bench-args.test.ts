import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "./parse-bench-args.js";

const groups = ["gateway", "routing", "memory"];

describe("parseBenchArgs", () => {
  it("defaults to every group, 3 rounds, results name latest", () => {
    expect(parseBenchArgs([], groups)).toEqual({
      ok: true,
      args: { only: [], quick: false, rounds: 3, name: "latest", out: null, writeDoc: false, help: false },
    });
  });

  it("reads --only, --quick, --rounds, --name and --out, after an optional `--`", () => {
    const parsed = parseBenchArgs(
      [
        "--",
        "--only",
        "gateway, routing",
        "--quick",
        "--rounds",
        "5",
        "--name",
        "ci-1",
        "--out",
        "/tmp/x",
        "--write-doc",
      ],
      groups,
    );
    expect(parsed).toEqual({
      ok: true,
      args: {
        only: ["gateway", "routing"],
        quick: true,
        rounds: 5,
        name: "ci-1",
        out: "/tmp/x",
        writeDoc: true,
        help: false,
      },
    });
  });

  it("quick mode defaults to 2 rounds and the name quick", () => {
    expect(parseBenchArgs(["--quick"], groups)).toMatchObject({
      ok: true,
      args: { rounds: 2, name: "quick" },
    });
  });

  it.each([
    [["--only", "gateway,nope"], /unknown group\(s\) nope/],
    [["--rounds", "0"], /--rounds/],
    [["--rounds", "two"], /--rounds/],
    [["--name", "../escape"], /--name/],
    [["--frobnicate"], /frobnicate/],
  ])("refuses %j", (argv, message) => {
    const parsed = parseBenchArgs(argv, groups);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
