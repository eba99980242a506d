/**
 * Sending over SMTP with nodemailer, with the settings and credentials of the secret store (Vault KV
 * `shop/notifications/smtp`; locally the dev mail catcher), read again each round so a rotated
 * password (SIGHUP) is used without a restart.
 */
import type { SecretStore } from "@shop/runtime";
import nodemailer, { type Transporter } from "nodemailer";
import { SMTP_SECRET_PATH } from "../config.ts";
import type { SendAttempt } from "../notifications/record-attempt.ts";

/** One message to send. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our Message-ID, from the email's id: the same email sent twice (the crash window) reads as one. */
  messageId: string;
}

/** Sends mail; each send resolves with what it came to (never throws). */
export interface MailSender {
  send(mail: OutgoingMail): Promise<SendAttempt>;
  close(): void;
}

/** The SMTP settings of the secret: `{ host, port, secure?, user?, password?, from }`. */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** The settings in `secret`; throws, naming what is wrong (never a value), when it cannot be used. */
export function smtpSettings(secret: Record<string, string> | undefined): SmtpSettings {
  if (!secret?.host) throw new Error(`the secret ${SMTP_SECRET_PATH} has no host`);
  const port = Number(secret.port ?? 587);
  if (!Number.isInteger(port) || port <= 0)
    throw new Error(`the secret ${SMTP_SECRET_PATH} has no valid port`);
  return {
    host: secret.host,
    port,
    secure: secret.secure === "true",
    ...(secret.user ? { user: secret.user } : {}),
    ...(secret.password ? { password: secret.password } : {}),
    from: secret.from || "Shop <shop@shop.example>",
  };
}

/**
 * What a failed send means: the server refused it for good (a 5xx answer: no such mailbox, relaying
 * denied) or it is worth another try (no answer, a 4xx, a timeout).
 */
export function classifySmtpError(error: unknown): SendAttempt {
  const err = error as { responseCode?: number; code?: string; message?: string };
  const reason = `${err.code ? `${err.code}: ` : ""}${err.message ?? String(error)}`;
  if (typeof err.responseCode === "number" && err.responseCode >= 500) {
    return { kind: "refused", reason: `the SMTP server refused it with ${err.responseCode}: ${reason}` };
  }
  return { kind: "failed", reason };
}

/** A MailSender over the SMTP server the secret store names, rebuilt when its settings change. */
export function createSmtpSender(secrets: SecretStore, timeoutMs: number): MailSender {
  let current: { key: string; transporter: Transporter; from: string } | undefined;
  const transporter = async () => {
    const settings = smtpSettings(await secrets.read(SMTP_SECRET_PATH));
    const key = JSON.stringify(settings);
    if (current?.key !== key) {
      current?.transporter.close();
      const transport = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? "" } } : {}),
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      current = { key, transporter: transport, from: settings.from };
    }
    return current;
  };
  return {
    async send(mail) {
      try {
        const { transporter: transport, from } = await transporter();
        await transport.sendMail({ from, ...mail });
        return { kind: "sent" };
      } catch (error) {
        return classifySmtpError(error);
      }
    },
    close() {
      current?.transporter.close();
      current = undefined;
    },
  };
}
