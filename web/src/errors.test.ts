import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { sentence } from "./errors.ts";

describe("sentence", () => {
  it("shows the server's sentence as it is", () => {
    expect(sentence(new ConnectError("We could not find order 42.", Code.NotFound))).toBe(
      "We could not find order 42.",
    );
  });

  it("replaces server faults and technical messages with a friendly sentence", () => {
    expect(sentence(new ConnectError("pg: relation missing", Code.Internal))).toBe(
      "Something went wrong on our side. Please try again in a moment.",
    );
    expect(sentence(new ConnectError("[unavailable] fetch failed", Code.Unavailable))).toMatch(
      /cannot be reached/,
    );
    expect(sentence(new TypeError("Failed to fetch"))).toMatch(/^[A-Z].*\.$/);
  });
});
