/**
 * One port, two protocols: HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c), so browsers and
 * Connect clients (HTTP/1.1) and gRPC clients (HTTP/2 only) reach the same handler. Node's http2 server
 * takes `allowHTTP1` only with TLS, so each new connection is routed by its first bytes: the HTTP/2
 * connection preface starts with `PRI * HTTP/2.0`, which no HTTP/1.1 request line does.
 */
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";

/** A request handler both protocols call: node:http's, or the HTTP/2 compatibility API's. */
export type DualHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

const PREFACE = Buffer.from("PRI * HTTP/2.0");

/** A server listening on one port for HTTP/1.1 and h2c. */
export interface DualServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Stops taking connections, waits for `idle()` (the requests in flight), then drops every connection. */
  close(idle?: () => Promise<void>): Promise<void>;
}

/** Listens on `port` (0: any free one) at `host`, serving both protocols with `handler`. */
export async function listenDual(port: number, handler: DualHandler, host = "0.0.0.0"): Promise<DualServer> {
  const http1 = createHttp1Server(handler as (req: IncomingMessage, res: ServerResponse) => void);
  const http2 = createHttp2Server(handler as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
  const sessions = new Set<Http2Session>();
  http2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    route(socket, (protocol) => (protocol === 2 ? http2 : http1).emit("connection", socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    async close(idle) {
      const closed = new Promise((resolve) => server.close(resolve));
      http1.closeIdleConnections();
      for (const session of sessions) session.close();
      await idle?.();
      http1.closeAllConnections();
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Reads just enough of a new connection to tell its protocol, puts it back, and hands the socket on. */
function route(socket: Socket, to: (protocol: 1 | 2) => void): void {
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    const length = Math.min(seen.length, PREFACE.length);
    const h2 = seen.subarray(0, length).equals(PREFACE.subarray(0, length));
    if (h2 && seen.length < PREFACE.length) return;
    socket.off("data", onData);
    socket.pause();
    socket.unshift(seen);
    to(h2 ? 2 : 1);
    process.nextTick(() => socket.resume());
  };
  socket.on("data", onData);
}
