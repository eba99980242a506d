/**
 * Which IP addresses a webhook may never reach (SSRF): loopback, link-local, private, CGNAT,
 * unspecified, multicast and reserved ranges, in IPv4 and IPv6, and IPv4-mapped IPv6 forms of them.
 */
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata services)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64 (reaches IPv4 addresses)
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** Why `address` may not be reached, as a few words (`a private address`), or undefined when it may. */
export function forbiddenAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return "not an IP address";
  const mapped = family === 6 ? ipv4Mapped(address) : undefined;
  if (mapped !== undefined) return forbiddenAddress(mapped);
  if (!blocked.check(address, family === 4 ? "ipv4" : "ipv6")) return undefined;
  return describe(address, family);
}

function describe(address: string, family: number): string {
  if (family === 4) {
    const [a, b] = address.split(".").map(Number) as [number, number];
    if (a === 127) return "a loopback address";
    if (a === 169 && b === 254) return "a link-local address";
    if (a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)) return "a private address";
    if (a === 100) return "a shared (CGNAT) address";
    if (a === 0) return "an unspecified address";
    if (a >= 224 && a < 240) return "a multicast address";
    return "a reserved address";
  }
  const lower = address.toLowerCase();
  if (lower === "::1") return "a loopback address";
  if (lower === "::") return "an unspecified address";
  if (/^fe[89ab]/.test(lower)) return "a link-local address";
  if (/^f[cd]/.test(lower)) return "a private address";
  if (lower.startsWith("ff")) return "a multicast address";
  return "a reserved address";
}

// `::ffff:a.b.c.d` (or `::ffff:xxxx:xxxx`): an IPv4 address in IPv6 clothing, reached as that address.
function ipv4Mapped(address: string): string | undefined {
  const groups = expand(address);
  if (!groups || groups.slice(0, 5).some((g) => g !== 0) || groups[5] !== 0xffff) return undefined;
  const [high, low] = [groups[6]!, groups[7]!];
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

// The eight 16-bit groups of an IPv6 address (a trailing dotted quad counts as two).
function expand(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const groups =
    tail === undefined ? front : [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}
