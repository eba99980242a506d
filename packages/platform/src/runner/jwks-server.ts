/**
 * The local broker's JWKS endpoint: what a function process of local real mode fetches the runner's
 * public key from (`SHOP_EVENT_JWKS_URL`), as a pod fetches the API server's `/openid/v1/jwks`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventIssuer } from "@shop/runtime";

/** A running JWKS endpoint and the environment that points a function at it. */
export interface JwksServer {
  url: string;
  /** `SHOP_EVENT_ISSUER` and `SHOP_EVENT_JWKS_URL` for a function process. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Serves `issuer.jwks` at `http://127.0.0.1:<port>/openid/v1/jwks`. */
export async function serveJwks(issuer: EventIssuer): Promise<JwksServer> {
  const body = JSON.stringify(issuer.jwks);
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url !== "/openid/v1/jwks") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res
      .writeHead(200, { "content-type": "application/jwk-set+json", "cache-control": "max-age=300" })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openid/v1/jwks`;
  return {
    url,
    env: { SHOP_EVENT_ISSUER: issuer.issuer, SHOP_EVENT_JWKS_URL: url },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
