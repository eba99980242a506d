/**
 * The first phase of a fault run: a small shop of six products (some scarce, so some orders are
 * rejected for stock), three limited coupons and four customers, and orders knowing the products.
 */
import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { DEV_ADMIN, loginAs, placeOrderWhenKnown, type ShopClients, shopClients } from "@shop/platform";
import type { PromotionSchema } from "@shop/schemas/promotions/v1/promotions";
import { FAULT_ADDRESS } from "./scenario-place.ts";
import type { ScenarioRun, Seeded } from "./scenario-run.ts";

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });
/** Two scarce products, three plentiful, one very plentiful. */
const STOCK = [3, 8, 40, 200, 200, 500];
/** The coupons the default COUPONS of scenario-place.ts name, each with another limit. */
const PROMOTIONS: MessageInitShape<typeof PromotionSchema>[] = [
  {
    name: "Limited",
    code: "FAULT-LIMITED",
    maxRedemptions: 3,
    discount: { case: "amountOff", value: EUR(100) },
  },
  { name: "Once", code: "FAULT-ONCE", singleUse: true, discount: { case: "amountOff", value: EUR(200) } },
  { name: "Ten", code: "FAULT-TEN", maxPerCustomer: 2, discount: { case: "percentOff", value: 10 } },
];
const CUSTOMERS = 4;
const PASSWORD = "correct horse battery";

/** Seeds the shop of `run` and waits until orders can price what it seeded. */
export async function seed(run: ScenarioRun): Promise<Seeded> {
  const { url } = run.options.shop;
  const admin = (await loginAs(url, DEV_ADMIN.email, DEV_ADMIN.password)).clients;
  const { products, initialStock } = await seedProducts(admin, run.options.stock ?? STOCK);
  for (const promotion of PROMOTIONS) await admin.promotions.createPromotion({ promotion });
  const customers: ShopClients[] = [];
  for (let i = 0; i < CUSTOMERS; i++) customers.push(await registerCustomer(url, i));
  await untilOrdersKnow(customers[0]!, products.at(-1)!);
  run.log(
    `faults: seeded ${products.length} products, ${PROMOTIONS.length} coupons, ${customers.length} customers`,
  );
  return { products, initialStock, customers };
}

/** One product per entry of `stock`, with that many units. */
async function seedProducts(admin: ShopClients, stock: number[]) {
  const initialStock: Record<string, number> = {};
  const products: string[] = [];
  for (const [i, units] of stock.entries()) {
    const { product } = await admin.catalog.upsertProduct({
      product: {
        name: `Fault item ${i}`,
        description: "fault suite",
        price: EUR(500 + i * 250),
        category: "faults",
        imageUrl: "",
        active: true,
      },
    });
    await admin.inventory.setStock({ productId: product!.id, available: units });
    initialStock[product!.id] = units;
    products.push(product!.id);
  }
  return { products, initialStock };
}

/** A new customer (the `i`th of the run), logged in. */
async function registerCustomer(url: string, i: number): Promise<ShopClients> {
  const email = `faults-${i}-${randomUUID().slice(0, 8)}@example.com`;
  await shopClients(url).identity.register({ email, password: PASSWORD });
  return (await loginAs(url, email, PASSWORD)).clients;
}

/**
 * Orders learns products from ProductChanged and shipping's options from ShippingOptionChanged: waits
 * until it can price `productId` shipped by the standard option (placing one order).
 */
async function untilOrdersKnow(customer: ShopClients, productId: string): Promise<void> {
  await placeOrderWhenKnown(customer, {
    lines: [{ productId, quantity: 1 }],
    paymentToken: "tok_visa",
    idempotencyKey: randomUUID(),
    shippingAddress: FAULT_ADDRESS,
    shippingOption: "standard",
  });
}
