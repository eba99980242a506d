/**
 * Rendering a stored email: its event's data back into a message, the sealed token (if any) opened,
 * the links made from the public URL, and the template applied.
 */
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  PasswordChangedSchema,
  PasswordResetRequestedSchema,
  UserRegisteredSchema,
} from "@shop/schemas/identity/v1/events";
import { OrderCancelledSchema, OrderConfirmedSchema } from "@shop/schemas/orders/v1/events";
import { ShipmentDispatchedSchema } from "@shop/schemas/shipping/v1/events";
import type { StoredEmail } from "../db/schema.ts";
import {
  cancellationEmail,
  dispatchedEmail,
  passwordChangedEmail,
  passwordResetEmail,
  type RenderedEmail,
  receiptEmail,
  welcomeEmail,
} from "../templates/index.ts";

/** What rendering needs besides the email: the storefront's URL, and the opener of sealed tokens. */
export interface RenderContext {
  publicUrl: string;
  /** Opens a token identity sealed for `userId` (Vault Transit; notifications alone may). */
  openToken: (sealed: string, userId: string) => Promise<string>;
}

/** The subject and bodies of `email`, rendered now (its token opened only here, never stored clear). */
export async function renderEmail(email: StoredEmail, context: RenderContext): Promise<RenderedEmail> {
  const data = email.data as JsonValue;
  // The storefront routes by hash (web/src/router.ts): its pages are /#/verify, /#/reset, /#/forgot, /#/orders/<id>.
  const base = `${context.publicUrl}/#`;
  const orderUrl = (orderId: string) => `${base}/orders/${encodeURIComponent(orderId)}`;
  switch (email.kind) {
    case "welcome": {
      const event = fromJson(UserRegisteredSchema, data);
      const sealed = event.sealedVerificationToken;
      const token = sealed ? await context.openToken(sealed, event.userId) : undefined;
      return welcomeEmail({
        email: event.email,
        ...(token ? { verifyUrl: `${base}/verify?token=${encodeURIComponent(token)}` } : {}),
        ...(event.verificationExpiresAt ? { expiresAt: timestampDate(event.verificationExpiresAt) } : {}),
      });
    }
    case "password-reset": {
      const event = fromJson(PasswordResetRequestedSchema, data);
      const token = await context.openToken(event.sealedResetToken, event.userId);
      return passwordResetEmail({
        resetUrl: `${base}/reset?token=${encodeURIComponent(token)}`,
        ...(event.expiresAt ? { expiresAt: timestampDate(event.expiresAt) } : {}),
      });
    }
    case "password-changed": {
      const event = fromJson(PasswordChangedSchema, data);
      return passwordChangedEmail({
        // The page that asks for a new reset link (a reset link itself needs a token).
        resetUrl: `${base}/forgot`,
        ...(event.changedAt ? { changedAt: timestampDate(event.changedAt) } : {}),
      });
    }
    case "receipt": {
      const event = fromJson(OrderConfirmedSchema, data);
      return receiptEmail(event, orderUrl(event.orderId));
    }
    case "cancellation": {
      const event = fromJson(OrderCancelledSchema, data);
      return cancellationEmail(event, orderUrl(event.orderId));
    }
    case "dispatched": {
      const event = fromJson(ShipmentDispatchedSchema, data);
      return dispatchedEmail(event, orderUrl(event.orderId));
    }
  }
}
