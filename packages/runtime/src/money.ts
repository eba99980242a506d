/**
 * Money on the wire: integer minor units with a currency code, as `shop.common.v1.Money`.
 */
import { create } from "@bufbuild/protobuf";
import { type Money, MoneySchema } from "@shop/schemas/common/v1/money";

/** An amount of minor units of `currency` as Money. */
export function money(amountMinor: bigint, currency: string): Money {
  return create(MoneySchema, { amountMinor, currency });
}
