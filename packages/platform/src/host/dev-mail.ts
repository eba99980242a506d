/**
 * The dev mail catcher's pages on the shop's port (development only): `GET /dev/mail/api` lists the
 * mail notifications sent, newest first, as JSON; `GET /dev/mail/<seq>.html` is one mail's HTML under
 * its own Content-Security-Policy (inline styles, as email has them, and nothing else: no script, no
 * request), which the storefront's page frames; `GET /dev/mail` goes to that page (`/#/dev/mail`). Served to this machine only, since mail carries verification and reset
 * links. Without a catcher (outside development) both are 404.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MailCatcher } from "@shop/notifications/mail-catcher";
import { isLocal } from "./admin-events.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** One caught mail's HTML: /dev/mail/<seq>.html. */
const MAIL_HTML = /^\/dev\/mail\/(\d+)\.html$/;

/**
 * What a caught mail's HTML may do: use its inline styles and data: images, nothing else (no script,
 * no request, no form); sandboxed, with links opening outside the frame.
 */
const MAIL_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-popups allow-popups-to-escape-sandbox";

/** The path of the JSON list of caught mail. */
export const DEV_MAIL_API = "/dev/mail/api";

/** Serves the caught mail of `catcher` (404 when there is none), passing other requests to `next`. */
export function createDevMailRoute(catcher: MailCatcher | undefined, next?: Handler): Handler {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const one = MAIL_HTML.exec(path);
    if ((path !== DEV_MAIL_API && path !== "/dev/mail" && !one) || req.method !== "GET") {
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
    if (one) {
      const mail = catcher.messages().find((m) => m.seq === Number(one[1]));
      if (!mail) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("No such mail.");
        return;
      }
      res
        .writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          "content-security-policy": MAIL_CSP,
          "x-content-type-options": "nosniff",
        })
        .end(`<!doctype html><base target="_blank">${mail.html}`);
      return;
    }
    const messages = catcher.messages().reverse();
    res
      .writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
      .end(JSON.stringify({ smtp: `${catcher.host}:${catcher.port}`, messages }));
  };
}
