/**
 * The dev mail catcher: a real SMTP server (smtp-server) on a loopback port that keeps every message it
 * receives in memory, parsed (mailparser), newest last. `npm start` runs one and sends notifications'
 * mail to it (the storefront shows it at /#/dev/mail); tests read what arrived from it. Development
 * only: nothing in the cluster starts it.
 */
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message the catcher received. */
export interface CaughtMail {
  /** Its position in the catcher (1, 2, …). */
  seq: number;
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
}

/** A running catcher. */
export interface MailCatcher {
  host: string;
  port: number;
  /** Everything received so far, oldest first. */
  messages(): CaughtMail[];
  /** The SMTP secret that sends to it (`shop/notifications/smtp`'s shape). */
  smtpSecret(): Record<string, string>;
  close(): Promise<void>;
}

/** How many messages a catcher keeps: the newest, so a long dev session does not grow without end. */
export const CAUGHT_LIMIT = 200;

/** Where a catcher listens, and which recipients it refuses as a real server would (550, tests). */
export interface MailCatcherOptions {
  host?: string;
  port?: number;
  refuse?: (address: string) => boolean;
  /** How many messages it keeps (default CAUGHT_LIMIT); a fault run counts every receipt it got. */
  limit?: number;
}

/** Starts a catcher on `host`:`port` (default 127.0.0.1 and any free port). */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? "127.0.0.1";
  const caught: CaughtMail[] = [];
  let seq = 0;
  const server = new SMTPServer({
    // Plain SMTP on loopback: no TLS to negotiate, no login to give.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!options.refuse?.(address.address)) return callback();
      callback(Object.assign(new Error(`no mailbox ${address.address} here`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          caught.push({
            seq: ++seq,
            messageId: mail.messageId ?? "",
            from: mail.from?.text ?? session.envelope.mailFrom?.toString() ?? "",
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
            receivedAt: new Date().toISOString(),
          });
          const limit = options.limit ?? CAUGHT_LIMIT;
          if (caught.length > limit) caught.splice(0, caught.length - limit);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host,
    port,
    messages: () => [...caught],
    smtpSecret: () => ({ host, port: String(port), from: "Shop <shop@shop.example>" }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
