/**
 * `pnpm shop:load`: simulated shoppers against a running shop (or an embedded one it starts).
 *
 *   pnpm shop:load [--url http://127.0.0.1:8080] [--users 20 | --rate 10] [--duration 30]
 *                  [--think 200] [--buy 0.5] [--coupons 0.2] [--max-requests 100000]
 */

import { parseArgs } from "node:util";
import { startShop } from "@shop/platform";
import { runLoad } from "./shoppers.ts";
import type { Stats } from "./stats.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    users: { type: "string" },
    rate: { type: "string" },
    duration: { type: "string", default: "30" },
    think: { type: "string", default: "200" },
    buy: { type: "string", default: "0.5" },
    coupons: { type: "string", default: "0.2" },
    "max-requests": { type: "string", default: "1000000" },
  },
});

const shop = values.url ? undefined : await startShop({ logLevel: "error" });
const url = values.url ?? shop!.url;
console.error(`load: ${url}${shop ? " (embedded shop started for this run)" : ""}`);
const line = (stats: Stats, s: number) => {
  const placed = stats.count("PlaceOrder");
  process.stderr.write(
    `\r${s.toFixed(0).padStart(4)} s  ${(stats.requests / s).toFixed(0).padStart(6)} req/s  ${placed} orders  ${stats.count("order placed → final (WatchOrder)")} final  ${stats.totalErrors()} errors   `,
  );
};
try {
  const result = await runLoad({
    url,
    ...(values.rate ? { rate: Number(values.rate) } : { users: Number(values.users ?? 20) }),
    durationS: Number(values.duration),
    thinkMs: Number(values.think),
    buyShare: Number(values.buy),
    couponShare: Number(values.coupons),
    maxRequests: Number(values["max-requests"]),
    onTick: line,
  });
  process.stderr.write("\n");
  const { stats, elapsedS } = result;
  console.log(
    `\n${stats.requests} requests in ${elapsedS.toFixed(1)} s: ${(stats.requests / elapsedS).toFixed(1)} req/s, ${(result.orders / elapsedS).toFixed(2)} orders/s (${result.finals.confirmed} confirmed, ${result.finals.cancelled} cancelled)\n`,
  );
  console.log(
    "| RPC / step | count | p50 ms | p95 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const r of stats.table())
    console.log(
      `| ${r.name} | ${r.count} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`,
    );
  console.log(`\nerrors by Connect code: ${stats.errors.size === 0 ? "none" : ""}`);
  for (const [k, n] of stats.errors) console.log(`- ${k}: ${n}`);
} finally {
  await shop?.close();
}
