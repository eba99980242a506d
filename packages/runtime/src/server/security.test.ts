import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { KNATIVE_PROXY_HOPS, readConfig } from "../config.ts";
import { clientAddress } from "./security.ts";

const request = (headers: Record<string, string>, peer = "127.0.0.1") =>
  ({ headers, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe("clientAddress", () => {
  it("is the peer without trusted hops, whatever the headers say", () => {
    expect(clientAddress(request({ "x-forwarded-for": "203.0.113.9" }, "198.51.100.1"))).toBe("198.51.100.1");
  });

  it("reads X-Forwarded-For right to left: what a caller wrote itself is never chosen", () => {
    // Knative: Envoy Gateway saw the client, Kourier the gateway, the queue-proxy (the peer) Kourier.
    const forged = request({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.5, 10.0.0.7" });
    expect(clientAddress(forged, KNATIVE_PROXY_HOPS)).toBe("203.0.113.9");
    expect(clientAddress(request({ "x-forwarded-for": "203.0.113.9" }, "10.0.0.5"), 1)).toBe("203.0.113.9");
  });

  it("takes RFC 7239 Forwarded when there is no X-Forwarded-For", () => {
    const req = request({ forwarded: 'for=6.6.6.6, for="[2001:db8::7]:443";proto=https, for=10.0.0.5:80' });
    expect(clientAddress(req, 2)).toBe("2001:db8::7");
    expect(clientAddress(req, 1)).toBe("10.0.0.5");
  });

  it("yields the leftmost entry of a chain shorter than the hops, the peer with no header", () => {
    expect(clientAddress(request({ "x-forwarded-for": "10.0.0.5" }), 3)).toBe("10.0.0.5");
    expect(clientAddress(request({}, "10.0.0.9"), 3)).toBe("10.0.0.9");
  });

  it("counts Knative's hops by default on Knative (K_SERVICE), none elsewhere, the variable first", () => {
    expect(readConfig("identity", { K_SERVICE: "identity" }).trustedProxyHops).toBe(KNATIVE_PROXY_HOPS);
    expect(readConfig("identity", {}).trustedProxyHops).toBe(0);
    expect(
      readConfig("identity", { K_SERVICE: "identity", SHOP_TRUSTED_PROXY_HOPS: "1" }).trustedProxyHops,
    ).toBe(1);
  });
});
