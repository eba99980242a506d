/**
 * `GET /admin/events`: the shop's event log as server-sent events, for `shop events tail` against the
 * embedded shop (whose in-memory log lives in the shop's process). Local only: it answers only
 * loopback connections with a loopback Host, since events carry customer data.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EventLog, LogRecord } from "@shop/runtime";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A record as `/admin/events` sends it (value in base64), for `shop events tail` to read. */
export interface WireRecord extends Omit<LogRecord, "value"> {
  value: string;
}

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/** Whether `req` came from this machine, naming it by a loopback Host (no DNS rebinding). */
export function isLocal(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? "";
  const loopback = address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
  // The Host check keeps a web page from reaching it through DNS rebinding.
  return loopback && LOOPBACK_HOST.test(req.headers.host ?? "");
}

/** Builds the handler streaming `topic` of `log`, passing other requests to `next`. */
export function createAdminEvents(log: EventLog, topic: string, next?: Handler): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/admin/events") {
      if (next) return next(req, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (!isLocal(req)) {
      res
        .writeHead(403, { "content-type": "text/plain" })
        .end("the event stream is served to this machine only");
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    res.write(": shop events\n\n");
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    const subscription = log.subscribe({
      groupId: `shop-admin-events-${randomUUID()}`,
      topic,
      ordered: true,
      // From the beginning: the earliest record the in-memory log retained (memory-log.ts).
      fromBeginning: url.searchParams.get("from-beginning") === "1",
      // Each stream has a group of its own, never resumed: it must not hold records back once closed.
      transient: true,
      handler: async (record) => {
        const wire: WireRecord = { ...record, value: Buffer.from(record.value).toString("base64") };
        res.write(
          `event: record\nid: ${record.partition}-${record.offset}\ndata: ${JSON.stringify(wire)}\n\n`,
        );
      },
    });
    res.on("close", () => {
      clearInterval(heartbeat);
      void subscription.then((s) => s.close()).catch(() => undefined);
    });
  };
}
