/**
 * What notifications' handlers and periodic work share, built once at start from its config.
 */
import { openNotificationToken, type SetupContext } from "@shop/runtime";
import type { NotificationsConfig } from "./config.ts";
import { createMailer, type Mailer } from "./mail/mailer.ts";
import { createSmtpSender } from "./mail/smtp.ts";

/** notifications' dependencies. */
export interface NotificationsDeps {
  /** Sends the pending emails: kicked after each commit that owes one, drained on every tick. */
  mailer: Mailer;
  /** How long emails sent or given up on are kept, in ms. */
  retentionMs: number;
}

/** Builds notifications' dependencies: the SMTP sender over the secret store, and the mailer. */
export function setup({ config, app, metrics }: SetupContext<NotificationsConfig>): NotificationsDeps {
  const mailer = createMailer(
    app,
    {
      now: () => new Date(),
      schedule: { delaysMs: config.delaysMs, horizonMs: config.horizonMs },
      sender: createSmtpSender(app.secrets, config.timeoutMs),
      // Past any send's timeouts (connect, greeting, socket), with room for recording its outcome.
      leaseMs: 3 * config.timeoutMs + 30_000,
      messageIdDomain: new URL(config.publicUrl).hostname,
      publicUrl: config.publicUrl,
      openToken: (sealed, userId) => openNotificationToken(app.secrets, sealed, userId),
    },
    { batch: config.batch, logger: app.logger, metrics },
  );
  return { mailer, retentionMs: config.retentionMs };
}
