import { describe, expect, it } from "vitest";
import { ageText, changedFields, prettyJson } from "./words.ts";

describe("the back office's words", () => {
  it("names the fields an admin action changed", () => {
    const before = JSON.stringify({ name: "Blue Mug", price: { amountMinor: "1250" }, active: true });
    const after = JSON.stringify({
      name: "Blue Mug",
      price: { amountMinor: "1375" },
      active: true,
      imageUrl: "/images/a",
    });
    expect(changedFields(before, after)).toEqual(["imageUrl", "price"]);
    expect(changedFields(after, after)).toEqual([]);
    expect(changedFields("", after)).toEqual(["active", "imageUrl", "name", "price"]);
    expect(changedFields("not json", "[1]")).toEqual([]);
  });

  it("indents JSON, and keeps what is not JSON as it is", () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson("plain")).toBe("plain");
    expect(prettyJson("")).toBe("–");
  });

  it("tells a dead letter's age as a person reads it", () => {
    expect(ageText(0)).toBe("0 s");
    expect(ageText(59)).toBe("59 s");
    expect(ageText(5 * 60 + 3)).toBe("5 min");
    expect(ageText(3 * 3600)).toBe("3 h");
    expect(ageText(2 * 86_400 + 5)).toBe("2 d");
  });
});
