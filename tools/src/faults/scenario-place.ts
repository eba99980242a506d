/**
 * The second phase of a fault run: place the orders from several customers (declined, transiently
 * failing and coupon-carrying ones among them), at a set rate, while the faults strike.
 */
import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ShopClients } from "@shop/platform";
import { waitFor } from "@shop/runtime/testing";
import type { Placed, ScenarioRun, Seeded } from "./scenario-run.ts";
import { strikeFaults } from "./scenario-strike.ts";
import type { ScenarioOptions } from "./scenario-types.ts";

/** Codes a frontend retries with the same idempotency key. */
const TRANSIENT = [Code.Unavailable, Code.Internal, Code.DeadlineExceeded, Code.Unknown, Code.Aborted];
const TOKENS = [
  "tok_visa",
  "tok_visa",
  "tok_visa",
  "tok_visa",
  "tok_unavailable",
  "tok_unavailable",
  "tok_declined",
];
const COUPONS = ["", "", "", "FAULT-LIMITED", "FAULT-ONCE", "FAULT-TEN"];
/** Where the orders that ship go, by shipping's standard option (the books count their shipments). */
export const FAULT_ADDRESS = {
  name: "Fault Customer",
  line1: "Teststr. 1",
  line2: "",
  city: "Berlin",
  postcode: "10115",
  country: "DE",
};

/** Places `options.orders` orders, `options.concurrency` at once, striking each fault once its threshold is passed. */
export async function place(run: ScenarioRun, seeded: Seeded): Promise<Placed> {
  const { options } = run;
  const { orders: warm } = await seeded.customers[0]!.orders.listOrders({ pageSize: 10 });
  const orderIds = warm.map((o) => o.id);
  const striker = strikeFaults(run);
  const counts = { next: 0, retried: 0 };
  const placing = Date.now();
  run.loopDelay.enable();
  const worker = async () => {
    for (;;) {
      const i = counts.next++;
      if (i >= options.orders) return;
      await striker.clear(i);
      await paced(options, placing, i);
      const clients = seeded.customers[i % seeded.customers.length]!;
      orderIds.push(await placeOne(clients, orderRequest(options, seeded, i), i, counts));
      striker.placedOne();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const placingMs = Date.now() - placing;
  const struck = await striker.finish();
  run.log(`faults: ${orderIds.length} orders placed (${counts.retried} placements retried)`);
  return { orderIds, retried: counts.retried, placing, placingMs, struck };
}

/** Waits until order `i` is due at `options.ratePerS` from `placing` (at once when unpaced). */
async function paced(options: ScenarioOptions, placing: number, i: number): Promise<void> {
  if (!options.ratePerS) return;
  const due = placing + (i * 1000) / options.ratePerS - Date.now();
  if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
}

/**
 * Order `i`: one or two units of a product, every fifth with a second line; its token and coupon in
 * turn; every other one ships (standard, to an address), the others ship nothing.
 */
function orderRequest(options: ScenarioOptions, { products }: Seeded, i: number) {
  const lines = [{ productId: products[i % products.length]!, quantity: 1 + (i % 2) }];
  if (i % 5 === 0) lines.push({ productId: products[(i + 3) % products.length]!, quantity: 1 });
  const tokens = options.tokens ?? TOKENS;
  const coupons = options.coupons ?? COUPONS;
  return {
    lines,
    paymentToken: tokens[i % tokens.length]!,
    couponCode: coupons[i % coupons.length]!,
    idempotencyKey: randomUUID(),
    ...(i % 2 === 0 ? { shippingAddress: FAULT_ADDRESS, shippingOption: "standard" } : {}),
  };
}

/** Places `request`, retrying it (same idempotency key) while the shop answers a transient code; its order id. */
async function placeOne(
  clients: ShopClients,
  request: ReturnType<typeof orderRequest>,
  i: number,
  counts: { retried: number },
): Promise<string> {
  const order = await waitFor(
    async () => {
      try {
        return (await clients.orders.placeOrder(request, { timeoutMs: 10_000 })).order;
      } catch (error) {
        const code = ConnectError.from(error).code;
        if (!TRANSIENT.includes(code)) throw error;
        counts.retried++;
        return undefined;
      }
    },
    { message: `order ${i} to be placed`, timeoutMs: 90_000, intervalMs: 200 },
  );
  return order!.id;
}
