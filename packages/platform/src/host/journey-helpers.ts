/**
 * Helpers of the customer-journey test (journey.int.test.ts): reading links out of mail, retrying
 * while a projection catches up, waiting for an order's state, and catching a refusal.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { CaughtMail } from "@shop/notifications/mail-catcher";
import { waitFor } from "@shop/runtime/testing";
import type { Order } from "@shop/schemas/orders/v1/orders";
import type { ShopClients } from "../clients.ts";

/** The token of the storefront link `/#/<page>?token=…` in a mail's text. */
export function linkToken(mail: CaughtMail, page: string): string {
  const match = new RegExp(`/#/${page}\\?token=([^\\s&]+)`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no ${page} link in "${mail.subject}": ${mail.text}`);
  return decodeURIComponent(match[1]);
}

/** Retries `call` while a projection does not know what it names yet (InvalidArgument). */
export function whenKnown<T>(what: string, call: () => Promise<T>): Promise<T> {
  return waitFor(
    async () => {
      try {
        return await call();
      } catch (error) {
        if (ConnectError.from(error).code === Code.InvalidArgument) return undefined;
        throw error;
      }
    },
    { message: what, timeoutMs: 30_000 },
  );
}

/** Waits (up to 60 s) until order `id`, as its customer reads it, satisfies `ok`; that order. */
export async function orderWhere(
  clients: ShopClients,
  id: string,
  what: string,
  ok: (order: Order) => boolean,
) {
  return waitFor(
    async () => {
      const { order } = await clients.orders.getOrder({ id });
      return order && ok(order) ? order : undefined;
    },
    { message: what, timeoutMs: 60_000 },
  );
}

/** The error `call` was refused with (it fails the test when the call succeeds). */
export async function refused(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  if (!error) throw new Error("the call was not refused");
  return error;
}
