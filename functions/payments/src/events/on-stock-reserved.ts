/**
 * StockReserved (inventory): the order is ready to be charged.
 */
import type { EventContext } from "@shop/runtime";
import type { StockReserved } from "@shop/schemas/inventory/v1/events";
import { chargePayment } from "../payments/index.ts";
import type { PaymentsDeps } from "../setup.ts";

/**
 * StockReserved: charge the order's total. While the provider is unavailable chargePayment counts
 * the attempt and throws, so the delivery fails and the broker redelivers it (with backoff) until the
 * charge succeeds or chargePayment gives up.
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
      paymentToken: message.paymentToken,
    },
    context.deps,
  );
}
