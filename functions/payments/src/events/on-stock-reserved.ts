/**
 * StockReserved (inventory): the order is ready to be charged.
 */
import type { EventContext } from "@shop/runtime";
import type { StockReserved } from "@shop/schemas/inventory/v1/events";
import { chargePayment } from "../payments/index.ts";
import type { PaymentsDeps } from "../setup.ts";

/**
 * StockReserved: charge the order's total, or answer again for an order already charged. When the
 * provider's answer is lost chargePayment records the charge as unknown and throws, so the delivery
 * fails (5xx) and the broker redelivers it: the redelivery asks the provider what became of it.
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
