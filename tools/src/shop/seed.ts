/**
 * Demo data for a new shop: products in several categories with stock, and a few promotions.
 * Seeds through the public Connect API as the admin, like any other client would.
 */
import type { ShopClients } from "@shop/platform";

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });

const PRODUCTS: [name: string, category: string, priceMinor: number, stock: number][] = [
  ["Blue Mug", "kitchen", 1_250, 40],
  ["Espresso Cup Set", "kitchen", 2_400, 25],
  ["Chef's Knife", "kitchen", 6_900, 12],
  ["Cast Iron Pan", "kitchen", 4_500, 15],
  ["Green Tea", "pantry", 800, 80],
  ["Dark Roast Coffee", "pantry", 1_400, 60],
  ["Wildflower Honey", "pantry", 1_100, 30],
  ["Olive Oil", "pantry", 1_800, 25],
  ["Desk Lamp", "home", 3_900, 10],
  ["Linen Throw", "home", 5_500, 8],
  ["Ceramic Vase", "home", 2_900, 5],
  ["Scented Candle", "home", 1_600, 50],
  ["Notebook", "office", 900, 100],
  ["Fountain Pen", "office", 3_500, 20],
  ["Desk Organiser", "office", 2_200, 18],
  ["Canvas Tote", "accessories", 1_500, 45],
  ["Leather Wallet", "accessories", 4_900, 12],
  ["Wool Scarf", "accessories", 3_200, 14],
  ["Water Bottle", "outdoors", 2_000, 35],
  ["Picnic Blanket", "outdoors", 3_800, 9],
  ["Camping Mug", "outdoors", 1_300, 22],
  ["Yoga Mat", "fitness", 3_000, 16],
  ["Jump Rope", "fitness", 1_200, 30],
  ["Resistance Bands", "fitness", 1_900, 24],
];

/** The promotion codes the demo seeds, for the start banner. */
export const DEMO_CODES = {
  percent: "WELCOME10",
  fixed: "FIVEOFF",
  coupon: "ONETIME-2026",
};

/** Seeds the demo catalog, stock and promotions unless the catalog already has products. */
export async function seedDemo(admin: ShopClients): Promise<boolean> {
  const { products } = await admin.catalog.listProducts({ pageSize: 1 });
  if (products.length > 0) return false;
  for (const [name, category, price, stock] of PRODUCTS) {
    const { product } = await admin.catalog.upsertProduct({
      product: {
        name,
        category,
        price: EUR(price),
        description: `${name}: a well-made ${category} favourite.`,
        imageUrl: `https://picsum.photos/seed/${encodeURIComponent(name)}/400/300`,
        active: true,
      },
    });
    await admin.inventory.setStock({ productId: product!.id, available: stock });
  }
  await admin.promotions.createPromotion({
    promotion: {
      name: "10% off your order",
      code: DEMO_CODES.percent,
      discount: { case: "percentOff", value: 10 },
    },
  });
  await admin.promotions.createPromotion({
    promotion: {
      name: "5 EUR off orders over 30 EUR",
      code: DEMO_CODES.fixed,
      minimumOrder: EUR(3_000),
      discount: { case: "amountOff", value: EUR(500) },
    },
  });
  await admin.promotions.createPromotion({
    promotion: {
      name: "One-time 15 EUR coupon",
      code: DEMO_CODES.coupon,
      singleUse: true,
      discount: { case: "amountOff", value: EUR(1_500) },
    },
  });
  await admin.promotions.createPromotion({
    promotion: {
      name: "Pantry week: 5% off pantry",
      category: "pantry",
      discount: { case: "percentOff", value: 5 },
    },
  });
  return true;
}
