import { DomainError } from "@shop/runtime";
import { describe, expect, it } from "vitest";
import { forbiddenAddress } from "./addresses.ts";
import { checkTarget, type Resolver } from "./target.ts";

// A resolver of fixed answers: no DNS query and no traffic leaves the test.
function resolverOf(answers: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const addresses = answers[host];
    if (!addresses) throw new Error(`ENOTFOUND ${host}`);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

async function refusal(url: string, resolve: Resolver = resolverOf({}), allowHosts: string[] = []) {
  try {
    await checkTarget(url, { resolve, allowHosts });
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).message;
  }
  return undefined;
}

describe("forbidden addresses", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["127.8.9.10", "a loopback address"],
    ["169.254.169.254", "a link-local address"],
    ["10.0.0.1", "a private address"],
    ["172.16.0.1", "a private address"],
    ["172.31.255.255", "a private address"],
    ["192.168.1.1", "a private address"],
    ["100.64.0.1", "a shared (CGNAT) address"],
    ["0.0.0.0", "an unspecified address"],
    ["224.0.0.251", "a multicast address"],
    ["255.255.255.255", "a reserved address"],
    ["::1", "a loopback address"],
    ["::", "an unspecified address"],
    ["fe80::1", "a link-local address"],
    ["fd12:3456::1", "a private address"],
    ["fc00::1", "a private address"],
    ["ff02::1", "a multicast address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["::ffff:169.254.169.254", "a link-local address"],
    ["::ffff:a00:1", "a private address"],
    ["0:0:0:0:0:ffff:c0a8:0101", "a private address"],
  ])("refuses %s as %s", (address, why) => {
    expect(forbiddenAddress(address)).toBe(why);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])(
    "lets %s be reached",
    (address) => {
      expect(forbiddenAddress(address)).toBeUndefined();
    },
  );
});

describe("checking an endpoint URL", () => {
  it("refuses the cloud metadata address and a private address with a sentence, asking no resolver", async () => {
    const resolve = resolverOf({});
    expect(await refusal("http://169.254.169.254/", resolve)).toBe(
      "The endpoint URL http://169.254.169.254 must use https; plain http is only for allow-listed hosts.",
    );
    expect(await refusal("https://169.254.169.254/latest/meta-data", resolve)).toBe(
      "The endpoint https://169.254.169.254 is refused: it is a link-local address, which webhooks may not reach.",
    );
    expect(await refusal("https://10.0.0.1/", resolve)).toBe(
      "The endpoint https://10.0.0.1 is refused: it is a private address, which webhooks may not reach.",
    );
    expect(await refusal("https://[::ffff:10.0.0.1]/", resolve)).toMatch(/is refused: .* a private address/);
    expect(resolve.asked).toEqual([]);
  });

  it("refuses a name when any of its addresses is forbidden", async () => {
    const resolve = resolverOf({ "partner.example": ["93.184.216.34", "10.1.2.3"] });
    expect(await refusal("https://partner.example/hooks", resolve)).toBe(
      "The endpoint https://partner.example is refused: partner.example resolves to 10.1.2.3, a private address, which webhooks may not reach.",
    );
  });

  it("refuses a name that does not resolve, and URLs that are not http(s) or carry credentials", async () => {
    expect(await refusal("https://nowhere.example/")).toBe(
      "The endpoint host nowhere.example does not resolve to any address.",
    );
    expect(await refusal("ftp://partner.example/")).toBe(
      'The endpoint URL "ftp://partner.example/" is not an http(s) URL.',
    );
    expect(await refusal("not a url")).toBe('The endpoint URL "not a url" is not an http(s) URL.');
    expect(await refusal("https://user:pw@partner.example/")).toMatch(
      /must not carry a user name or password/,
    );
  });

  it("accepts https to a public address, and answers the address to connect to", async () => {
    const resolve = resolverOf({ "partner.example": ["93.184.216.34"] });
    const target = await checkTarget("https://partner.example/hooks", { resolve, allowHosts: [] });
    expect(target.url.href).toBe("https://partner.example/hooks");
    expect(target.address).toEqual({ address: "93.184.216.34", family: 4 });
  });

  it("lets an allow-listed host:port use http and loopback, and only that port", async () => {
    const allow = ["127.0.0.1:4567"];
    const target = await checkTarget("http://127.0.0.1:4567/hook", {
      resolve: resolverOf({}),
      allowHosts: allow,
    });
    expect(target.address.address).toBe("127.0.0.1");
    expect(await refusal("http://127.0.0.1:4568/hook", resolverOf({}), allow)).toMatch(/must use https/);
    expect(await refusal("https://127.0.0.1:4568/hook", resolverOf({}), allow)).toMatch(/a loopback address/);
  });
});
