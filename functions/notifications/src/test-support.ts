/**
 * What notifications' tests share: a started notifications sending to a mail catcher, the events as
 * identity, orders and shipping publish them (tokens sealed the way identity seals them locally), and
 * reading back the emails stored. Only tests import this file.
 */
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  envSecretStore,
  money,
  type RunningFunction,
  type ShopCloudEvent,
  type StartOptions,
  sealNotificationToken,
  toCloudEvent,
} from "@shop/runtime";
import { startForTest, waitFor } from "@shop/runtime/testing";
import { PostalAddressSchema } from "@shop/schemas/common/v1/address";
import {
  EmailVerifiedSchema,
  PasswordChangedSchema,
  PasswordResetRequestedSchema,
  UserRegisteredSchema,
} from "@shop/schemas/identity/v1/events";
import {
  CancellationCause,
  OrderCancelledSchema,
  OrderConfirmedSchema,
} from "@shop/schemas/orders/v1/events";
import { OrderLineSchema, OrderShippingSchema } from "@shop/schemas/orders/v1/orders";
import { ShipmentDispatchedSchema } from "@shop/schemas/shipping/v1/events";
import { asc, eq } from "drizzle-orm";
import type { NotificationsConfig } from "./config.ts";
import { emails, type StoredEmail } from "./db/schema.ts";
import { notificationsFunction } from "./function.ts";
import type { CaughtMail, MailCatcher } from "./mail/catcher.ts";
import type { NotificationsDeps } from "./setup.ts";

/** A started notifications. */
export type Notifications = RunningFunction<NotificationsConfig, NotificationsDeps>;

/** The local secret store with the SMTP secret naming `smtp` (a catcher, or a port nobody listens on). */
export function secretsFor(smtp: { host: string; port: number }) {
  return envSecretStore({
    SHOP_SECRET_NOTIFICATIONS_SMTP: JSON.stringify({
      host: smtp.host,
      port: String(smtp.port),
      from: "Shop <shop@shop.example>",
    }),
  });
}

/** Starts notifications on PGlite with an in-memory log, sending to `smtp`. */
export function startNotifications(
  smtp: { host: string; port: number },
  options: StartOptions<NotificationsConfig, NotificationsDeps> = {},
): Promise<Notifications> {
  return startForTest(notificationsFunction, {
    secrets: secretsFor(smtp),
    ...options,
    settings: { publicUrl: "https://shop.example", delaysMs: [50], ...options.settings },
  });
}

/** `token` sealed for `userId` as identity seals it in a local run (the dev Transit key). */
export function sealedForUser(token: string, userId: string): Promise<string> {
  return sealNotificationToken(envSecretStore({}), token, userId);
}

/**
 * The UserRegistered identity publishes, with `token` sealed for notifications, bound to `sealedFor`
 * (the user, unless a test forges one).
 */
export async function userRegistered(
  userId: string,
  email: string,
  token = `verify-${userId}`,
  sealedFor = userId,
) {
  const message = create(UserRegisteredSchema, {
    userId,
    email,
    registeredAt: timestampFromDate(new Date()),
    sealedVerificationToken: await sealedForUser(token, sealedFor),
    verificationExpiresAt: timestampFromDate(new Date("2026-12-02T10:00:00Z")),
  });
  return toCloudEvent(UserRegisteredSchema, message, { source: "/functions/identity", key: userId });
}

/** The EmailVerified identity publishes. */
export function emailVerified(userId: string, email: string) {
  const message = create(EmailVerifiedSchema, { userId, email, verifiedAt: timestampFromDate(new Date()) });
  return toCloudEvent(EmailVerifiedSchema, message, { source: "/functions/identity", key: userId });
}

/** The PasswordResetRequested identity publishes, with `token` sealed for notifications. */
export async function passwordResetRequested(userId: string, email: string, token: string) {
  const message = create(PasswordResetRequestedSchema, {
    userId,
    email,
    sealedResetToken: await sealedForUser(token, userId),
    expiresAt: timestampFromDate(new Date("2026-12-01T11:00:00Z")),
    requestedAt: timestampFromDate(new Date("2026-12-01T10:00:00Z")),
  });
  return toCloudEvent(PasswordResetRequestedSchema, message, { source: "/functions/identity", key: userId });
}

/** The PasswordChanged identity publishes. */
export function passwordChanged(userId: string, email: string) {
  const message = create(PasswordChangedSchema, {
    userId,
    email,
    changedAt: timestampFromDate(new Date("2026-12-01T10:05:00Z")),
  });
  return toCloudEvent(PasswordChangedSchema, message, { source: "/functions/identity", key: userId });
}

/**
 * The OrderConfirmed orders publishes: 2 × "Tea <Earl Grey>" at 4.50 EUR and 1 × Mug at 12.00 EUR
 * (subtotal 21.00), 10% off with code TEA10 (2.10), standard shipping 4.90 → total 23.80 EUR.
 */
export function orderConfirmed(orderId: string, customerId: string) {
  const line = (productId: string, productName: string, quantity: number, unit: bigint) =>
    create(OrderLineSchema, {
      productId,
      productName,
      category: "pantry",
      quantity,
      unitPrice: money(unit, "EUR"),
      lineTotal: money(unit * BigInt(quantity), "EUR"),
    });
  const message = create(OrderConfirmedSchema, {
    orderId,
    customerId,
    lines: [line("tea", "Tea <Earl Grey>", 2, 450n), line("mug", "Mug", 1, 1200n)],
    subtotal: money(2100n, "EUR"),
    discount: money(210n, "EUR"),
    couponCode: "TEA10",
    promotions: [],
    shipping: create(OrderShippingSchema, {
      option: "standard",
      optionName: "Standard",
      price: money(490n, "EUR"),
      charged: money(490n, "EUR"),
      address: create(PostalAddressSchema, {
        name: "Ada Lovelace",
        line1: "1 Analytical Way",
        city: "London",
        postcode: "N1 1AA",
        country: "GB",
      }),
    }),
    total: money(2380n, "EUR"),
    confirmedAt: timestampFromDate(new Date()),
  });
  return toCloudEvent(OrderConfirmedSchema, message, { source: "/functions/orders", key: orderId });
}

/** The OrderCancelled orders publishes for a paid order the customer cancelled. */
export function orderCancelled(orderId: string, customerId: string) {
  const message = create(OrderCancelledSchema, {
    orderId,
    customerId,
    cause: CancellationCause.CUSTOMER_REQUESTED,
    reason: "You cancelled it.",
    wasConfirmed: true,
    total: money(2380n, "EUR"),
  });
  return toCloudEvent(OrderCancelledSchema, message, { source: "/functions/orders", key: orderId });
}

/** The ShipmentDispatched shipping publishes. */
export function shipmentDispatched(orderId: string, customerId: string) {
  const message = create(ShipmentDispatchedSchema, {
    shipmentId: `shipment-${orderId}`,
    orderId,
    customerId,
    carrier: "DHL",
    trackingNumber: "JD0123456789",
    trackingUrl: "https://track.example/JD0123456789?lang=en&x=1",
    dispatchedAt: timestampFromDate(new Date()),
  });
  return toCloudEvent(ShipmentDispatchedSchema, message, { source: "/functions/shipping", key: orderId });
}

/** Every email notifications stored for `userId`, oldest first. */
export function storedEmails(fn: Notifications, userId: string): Promise<StoredEmail[]> {
  return fn.app.db.select().from(emails).where(eq(emails.userId, userId)).orderBy(asc(emails.createdAt));
}

/** The mail `catcher` received for `to`. */
export function mailTo(catcher: MailCatcher, to: string): CaughtMail[] {
  return catcher.messages().filter((m) => m.to.includes(to));
}

/** Waits until `catcher` holds `count` messages for `to`, then lets the mailer finish and returns them. */
export async function waitForMail(
  fn: Notifications,
  catcher: MailCatcher,
  to: string,
  count = 1,
): Promise<CaughtMail[]> {
  await waitFor(() => mailTo(catcher, to).length >= count, { message: `${count} mail(s) to ${to}` });
  // Whatever a redelivery could still have sent is sent by now: the tick drains every due email.
  await fn.tick();
  return mailTo(catcher, to);
}

/** Delivers `event` to `fn` twice, as a broker redelivering it would. */
export async function deliverTwice(fn: Notifications, event: ShopCloudEvent) {
  return [await fn.receive(event), await fn.receive(event)];
}

/** A loopback port that was free a moment ago (an SMTP server that is down, until a test starts one there). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
