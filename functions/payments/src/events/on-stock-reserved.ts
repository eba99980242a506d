/**
 * StockReserved (inventory): the order is ready to be charged.
 */
import { type EventContext, UnreadableCiphertextError } from "@shop/runtime";
import type { StockReserved } from "@shop/schemas/inventory/v1/events";
import { chargePayment } from "../payments/index.ts";
import type { PaymentsDeps } from "../setup.ts";

/**
 * StockReserved: charge the order's total, or answer again for an order already charged. When the
 * provider's answer is lost chargePayment records the charge as unknown and throws, so the delivery
 * fails (5xx) and the broker redelivers it: the redelivery asks the provider what became of it.
 * The payment token comes sealed for payments and is opened here, for this charge only: it is never
 * stored or logged. Vault not answering fails the delivery (redelivered later); a sealed token that
 * cannot be opened for this order (tampered, or copied from another order) is no payment method and
 * is declined by the provider like any unknown token.
 */
export async function onStockReserved(
  message: StockReserved,
  context: EventContext<PaymentsDeps>,
): Promise<void> {
  await chargePayment(
    context,
    {
      orderId: message.orderId,
      customerId: message.customerId,
      total: { amountMinor: message.total?.amountMinor ?? 0n, currency: message.total?.currency ?? "" },
      paymentToken: await paymentTokenOf(message, context),
    },
    context.deps,
  );
}

async function paymentTokenOf(message: StockReserved, context: EventContext<PaymentsDeps>): Promise<string> {
  // An event of an order placed before tokens were sealed carries it in clear (README: the transition).
  // Deprecated field: accepted from orders placed before tokens were sealed (README).
  if (!message.sealedPaymentToken) return message.paymentToken;
  try {
    return await context.deps.openPaymentToken(message.sealedPaymentToken, message.orderId);
  } catch (error) {
    if (!(error instanceof UnreadableCiphertextError)) throw error;
    context.logger.warn(
      { orderId: message.orderId },
      "the sealed payment token cannot be opened for this order",
    );
    return "";
  }
}
