import { describe, expect, it } from "vitest";
import { createRequestUsageBook, isRequestId } from "./request-usage-book.js";

const usage = { promptTokens: 5, completionTokens: 7, cachedTokens: 0, reasoningTokens: 0 };

describe("request usage book", () => {
  it("reports unknown, running, then the finished usage (first finish wins)", async () => {
    const book = createRequestUsageBook();
    expect(await book.lookup("a", 0)).toEqual({ state: "unknown" });
    book.begin("a");
    expect(await book.lookup("a", 0)).toEqual({ state: "running" });
    book.finish("a", usage);
    book.finish("a", null);
    book.begin("a");
    expect(await book.lookup("a", 0)).toEqual({ state: "finished", usage });
  });

  it("keeps a usage reported before the request was marked running", async () => {
    const book = createRequestUsageBook();
    book.finish("b", usage);
    book.begin("b");
    expect(await book.lookup("b", 0)).toEqual({ state: "finished", usage });
  });

  it("wakes a waiting lookup when the request finishes", async () => {
    const book = createRequestUsageBook();
    book.begin("a");
    const pending = book.lookup("a", 60_000);
    book.finish("a", usage);
    expect(await pending).toEqual({ state: "finished", usage });
  });

  it("forgets the oldest requests beyond its capacity", async () => {
    const book = createRequestUsageBook(2);
    for (const id of ["a", "b", "c"]) {
      book.begin(id);
      book.finish(id, usage);
    }
    expect(await book.lookup("a", 0)).toEqual({ state: "unknown" });
    expect((await book.lookup("c", 0)).state).toBe("finished");
  });

  it("accepts only short visible-ASCII request ids", () => {
    expect(isRequestId("req_123-abc")).toBe(true);
    expect(isRequestId("")).toBe(false);
    expect(isRequestId("a b")).toBe(false);
    expect(isRequestId("x".repeat(129))).toBe(false);
    expect(isRequestId(undefined)).toBe(false);
  });
});
