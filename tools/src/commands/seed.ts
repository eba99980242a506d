/**
 * `shop seed`: seeds the demo catalog, stock and promotions into a running shop, through its Connect
 * API as an administrator (what `pnpm start` does before its shop answers), finishing an earlier
 * seeding that was interrupted.
 */

import { parseArgs } from "node:util";
import { DEV_ADMIN } from "@shop/platform";
import { DEMO_CODES, seedShop } from "../shop/seed.ts";

export const SEED_USAGE = `usage: shop seed [--url http://127.0.0.1:8080] [--email E] [--password P]

  Seeds what is missing of the demo products, stock and promotions (pictures served by the shop at
  --url), unless the catalog has products of its own.
  --email, --password  an administrator (default: SHOP_ADMIN_EMAIL / SHOP_ADMIN_PASSWORD, else the dev admin)`;

/** Runs `shop seed <args>`. */
export async function seedCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: "string", default: process.env.SHOP_URL ?? "http://127.0.0.1:8080" },
      email: { type: "string", default: process.env.SHOP_ADMIN_EMAIL ?? DEV_ADMIN.email },
      password: { type: "string", default: process.env.SHOP_ADMIN_PASSWORD ?? DEV_ADMIN.password },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void console.log(SEED_USAGE);
  const outcome = await seedShop(values.url, { email: values.email, password: values.password });
  console.log(
    {
      seeded: `seeded ${values.url}: demo products with stock, promotions ${Object.values(DEMO_CODES).join(", ")} and an automatic one`,
      complete: `${values.url} has the demo data already: nothing seeded`,
      "own-catalog": `${values.url} has products of its own: nothing seeded`,
    }[outcome],
  );
}
