/**
 * The dev mail catcher's pages on the shop's port (development only): `GET /dev/mail/api` lists the
 * mail notifications sent, newest first, as JSON; `GET /dev/mail` goes to the storefront's page that
 * shows it (`/#/dev/mail`). Served to this machine only, since mail carries verification and reset
 * links. Without a catcher (outside development) both are 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MailCatcher } from "@shop/notifications/mail-catcher";
import { isLocal } from "./admin-events.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The path of the JSON list of caught mail. */
export const DEV_MAIL_API = "/dev/mail/api";

/** Serves the caught mail of `catcher` (404 when there is none), passing other requests to `next`. */
export function createDevMailRoute(catcher: MailCatcher | undefined, next?: Handler): Handler {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if ((path !== DEV_MAIL_API && path !== "/dev/mail") || req.method !== "GET") {
      if (next) return next(req, res);
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (!catcher) {
      res
        .writeHead(404, { "content-type": "text/plain; charset=utf-8" })
        .end("There is no mail catcher: it runs in development only.");
      return;
    }
    if (!isLocal(req)) {
      res.writeHead(403, { "content-type": "text/plain" }).end("caught mail is served to this machine only");
      return;
    }
    if (path === "/dev/mail") {
      res.writeHead(302, { location: "/#/dev/mail" }).end();
      return;
    }
    const messages = catcher.messages().reverse();
    res
      .writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
      .end(JSON.stringify({ smtp: `${catcher.host}:${catcher.port}`, messages }));
  };
}
