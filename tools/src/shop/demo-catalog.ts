/**
 * What the demo shop sells: products in several categories with their stock, and a few promotions.
 * `seed.ts` puts them into a shop; `demo-images.ts` draws each product's picture.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { PromotionSchema } from "@shop/schemas/promotions/v1/promotions";

/** A demo product: its id is fixed, so seeding it again changes the same product. */
export interface DemoProduct {
  id: string;
  name: string;
  category: string;
  priceMinor: number;
  stock: number;
  /** Its picture's path on the shop's origin. */
  imagePath: string;
}

/** The path the storefront serves the demo pictures under (from `web/public/demo/products/`). */
export const DEMO_IMAGE_PATH = "/demo/products/";

/** The file-name part of a product name: "Chef's Knife" → "chefs-knife". */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

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

/** The demo products, in the order the seed stores them. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = PRODUCTS.map(([name, category, priceMinor, stock]) => ({
  id: `demo-${slug(name)}`,
  name,
  category,
  priceMinor,
  stock,
  imagePath: `${DEMO_IMAGE_PATH}${slug(name)}.svg`,
}));

/** The promotion codes the demo seeds, for the start banner. */
export const DEMO_CODES = {
  percent: "WELCOME10",
  fixed: "FIVEOFF",
  coupon: "ONETIME-2026",
};

const EUR = (amountMinor: number) => ({ amountMinor: BigInt(amountMinor), currency: "EUR" });

/** A demo promotion as CreatePromotion takes it. */
export type DemoPromotion = MessageInitShape<typeof PromotionSchema> & { name: string; code: string };

/** The demo promotions, stored after the products: the last one stored marks the demo data complete. */
export const DEMO_PROMOTIONS: readonly DemoPromotion[] = [
  { name: "10% off your order", code: DEMO_CODES.percent, discount: { case: "percentOff", value: 10 } },
  {
    name: "5 EUR off orders over 30 EUR",
    code: DEMO_CODES.fixed,
    minimumOrder: EUR(3_000),
    discount: { case: "amountOff", value: EUR(500) },
  },
  {
    name: "One-time 15 EUR coupon",
    code: DEMO_CODES.coupon,
    singleUse: true,
    discount: { case: "amountOff", value: EUR(1_500) },
  },
  {
    name: "Pantry week: 5% off pantry",
    code: "",
    category: "pantry",
    discount: { case: "percentOff", value: 5 },
  },
  // Automatic: orders of 50 EUR or more ship free (functions/promotions/README.md, "Free shipping").
  {
    name: "Free shipping from 50 EUR",
    code: "",
    minimumOrder: EUR(5_000),
    discount: { case: "freeShipping", value: true },
  },
];

/** Prices of the demo, in EUR minor units. */
export function demoPrice(product: DemoProduct) {
  return EUR(product.priceMinor);
}
