/**
 * What the tests of webhooks share: a WebhookService client, a shop event as another function
 * publishes it, and a loopback server that answers deliveries and records them. Only tests import this.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { type Principal, type RunningFunction, toCloudEvent } from "@shop/runtime";
import { testClient } from "@shop/runtime/testing";
import { OrderPlacedSchema } from "@shop/schemas/orders/v1/events";
import { WebhookService } from "@shop/schemas/webhooks/v1/webhooks";

/** The admin and a customer of the tests. */
export const ADMIN: Principal = { userId: "admin-1", role: "admin" };
export const CUSTOMER: Principal = { userId: "customer-7", role: "customer" };

/** A WebhookService client of `fn`, calling as `as` or anonymously. */
export function webhookClient(fn: RunningFunction, as?: Principal) {
  return testClient(fn, WebhookService, as ? { principal: as } : {});
}

/** The OrderPlaced CloudEvent orders would send for `orderId`. */
export function orderPlaced(orderId: string, customerId = "customer-1") {
  return toCloudEvent(OrderPlacedSchema, create(OrderPlacedSchema, { orderId, customerId }), {
    source: "/functions/orders",
    key: orderId,
  });
}

/** A request a {@link startEndpoint} server got. */
export interface Hit {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An HTTP server on loopback that answers `status()` to every request and records it. */
export async function startEndpoint(status: () => number = () => 204) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    host: `127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
