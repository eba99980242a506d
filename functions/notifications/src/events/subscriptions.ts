/**
 * Everything notifications consumes: the one list (the Triggers in knative/base/notifications.yaml
 * match it).
 */
import { type EventSubscription, on } from "@shop/runtime";
import {
  EmailVerifiedSchema,
  PasswordChangedSchema,
  PasswordResetRequestedSchema,
  UserRegisteredSchema,
} from "@shop/schemas/identity/v1/events";
import { OrderCancelledSchema, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { ShipmentDispatchedSchema } from "@shop/schemas/shipping/v1/events";
import type { NotificationsDeps } from "../setup.ts";
import { onEmailVerified } from "./on-email-verified.ts";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onOrderConfirmed } from "./on-order-confirmed.ts";
import { onPasswordChanged } from "./on-password-changed.ts";
import { onPasswordResetRequested } from "./on-password-reset-requested.ts";
import { onShipmentDispatched } from "./on-shipment-dispatched.ts";
import { onUserRegistered } from "./on-user-registered.ts";

/**
 * notifications' subscriptions by type. Those that only owe an email are `idempotent`: the email row,
 * unique per event (source, id), is their record of the event (owe.ts), and that one INSERT is all they
 * write, so they run without a transaction around it (`autocommit`).
 */
export const subscriptions: EventSubscription<NotificationsDeps>[] = [
  on(UserRegisteredSchema, onUserRegistered),
  on(EmailVerifiedSchema, onEmailVerified),
  on(PasswordResetRequestedSchema, onPasswordResetRequested, { idempotent: true, autocommit: true }),
  on(PasswordChangedSchema, onPasswordChanged, { idempotent: true, autocommit: true }),
  on(OrderConfirmedSchema, onOrderConfirmed, { idempotent: true, autocommit: true }),
  on(OrderCancelledSchema, onOrderCancelled, { idempotent: true, autocommit: true }),
  on(ShipmentDispatchedSchema, onShipmentDispatched, { idempotent: true, autocommit: true }),
];
