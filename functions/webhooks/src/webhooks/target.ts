/**
 * Checking where a webhook URL leads before anything is sent there: https only (http for allow-listed
 * hosts), and every address its host resolves to public, unless the host is allow-listed. The same
 * check runs at registration and before each attempt (DNS may answer differently later); the attempt
 * then connects to the address checked, never resolving again.
 */
import { isIP } from "node:net";
import { forbiddenAddress } from "./addresses.ts";
import { invalidRequest } from "./errors.ts";

/** One answer of a resolver: an address and its family. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (node:dns `lookup` with `all: true`; tests inject one). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

/** Where an attempt connects: the URL, and the address its host resolved to and was checked. */
export interface CheckedTarget {
  url: URL;
  address: ResolvedAddress;
}

/** What the check needs: the resolver and the allow-list (`host:port` or bare `host`). */
export interface TargetPolicy {
  resolve: Resolver;
  allowHosts: readonly string[];
}

/** Whether `url`'s host (with its port, or any port) is allow-listed. */
export function allowListed(url: URL, allowHosts: readonly string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return allowHosts.some(
    (entry) => entry === host || entry === `${host}:${port}` || entry === `[${host}]:${port}`,
  );
}

/**
 * Checks `raw` as a webhook URL; answers the URL and the address to connect to, or throws an
 * invalid-request DomainError with a sentence saying why it is refused. Sends no traffic to the URL.
 */
export async function checkTarget(raw: string, policy: TargetPolicy): Promise<CheckedTarget> {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw invalidRequest(`The endpoint URL "${raw}" is not an http(s) URL.`);
  }
  if (url.username || url.password) {
    throw invalidRequest(
      "The endpoint URL must not carry a user name or password; sign-in is by the signature.",
    );
  }
  const allowed = allowListed(url, policy.allowHosts);
  if (url.protocol === "http:" && !allowed) {
    throw invalidRequest(
      `The endpoint URL ${url.origin} must use https; plain http is only for allow-listed hosts.`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await policy.resolve(host);
    } catch {
      throw invalidRequest(`The endpoint host ${host} does not resolve to any address.`);
    }
  }
  if (addresses.length === 0)
    throw invalidRequest(`The endpoint host ${host} does not resolve to any address.`);
  if (!allowed) {
    for (const { address } of addresses) {
      const why = forbiddenAddress(address);
      if (why) {
        throw invalidRequest(
          `The endpoint ${url.origin} is refused: ${host === address ? "it is" : `${host} resolves to ${address},`} ${why}, which webhooks may not reach.`,
        );
      }
    }
  }
  return { url, address: addresses[0]! };
}
