import { describe, expect, it } from "vitest";
import { createPasswordHasher } from "./passwords.ts";

const cheap = createPasswordHasher({ N: 2 ** 10, r: 8, p: 1 });

describe("password hashes", () => {
  it("are self-describing, salted, and verify only the right password", async () => {
    const first = await cheap.hash("correct horse");
    const second = await cheap.hash("correct horse");
    expect(first).toMatch(/^\$scrypt\$n=1024,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(second).not.toBe(first);
    await expect(cheap.verify("correct horse", first)).resolves.toBe(true);
    await expect(cheap.verify("correct horsE", first)).resolves.toBe(false);
  });

  it("verify with the cost stored in the hash, so raising the cost keeps old hashes working", async () => {
    const old = await cheap.hash("battery staple");
    const stronger = createPasswordHasher({ N: 2 ** 11, r: 8, p: 1 });
    await expect(stronger.verify("battery staple", old)).resolves.toBe(true);
  });

  it("do not verify against something that is not a hash", async () => {
    await expect(cheap.verify("x", "plain text")).resolves.toBe(false);
    await expect(cheap.verify("x", "$scrypt$n=1024,r=8,p=1$c2FsdA$AAAA")).resolves.toBe(false);
  });
});
