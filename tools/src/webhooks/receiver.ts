/**
 * A small receiver of Shop webhooks, as a partner would run one: it verifies each delivery
 * ({@link verifyWebhook}), answers 204 to a valid one (or what `answer` says) and 401 with the
 * reason to any other, and keeps what it got. `shop webhooks receive` runs it and prints each one.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Verdict, verifyWebhook } from "./verify.ts";

/** One delivery as received, with the check's verdict. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  verdict: Verdict;
}

/** How the receiver is started. */
export interface ReceiverOptions {
  /** The endpoint's signing secret (a function: known only once the endpoint is registered). */
  secret: string | (() => string);
  /** Port on 127.0.0.1 (0: any free one). */
  port?: number;
  host?: string;
  /** The status to answer a valid delivery with (default 204): tests make it 500 or 410. */
  answer?: (received: Received) => number;
  /** Called for each delivery, valid or not. */
  onDelivery?: (received: Received) => void;
}

/** A running receiver. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  close(): Promise<void>;
}

/** Starts a receiver. */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const received: Received[] = [];
  const secretOf = () => (typeof options.secret === "function" ? options.secret() : options.secret);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const delivery = {
        headers: req.headers,
        body,
        verdict: verifyWebhook(secretOf(), req.headers, body),
      };
      received.push(delivery);
      options.onDelivery?.(delivery);
      if (!delivery.verdict.valid) {
        res.writeHead(401, { "content-type": "text/plain" }).end(delivery.verdict.reason);
        return;
      }
      res.writeHead(options.answer?.(delivery) ?? 204).end();
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
