/**
 * `shop trace <order-id>`: the order's traces as waterfalls, from the shop's own trace API
 * (`/ops/zipkin/api/v2`, as the demo admin by default: embedded mode keeps the traces in memory) or
 * straight from a Zipkin (`--zipkin`, local real mode).
 */
import { parseArgs } from "node:util";
import { DEV_ADMIN, loginAs, ZIPKIN_API_PATH, type ZipkinTrace } from "@shop/platform";
import { renderWaterfall } from "./waterfall.ts";

export const TRACE_USAGE = `usage: shop trace <order-id> [--url http://127.0.0.1:8080 | --zipkin http://127.0.0.1:9411]
                  [--email E] [--password P] [--limit 10] [--json]

  Prints each trace of the order (tag shop.order_id) as a waterfall: one line per span under its
  parent, start offset, duration, status, service and span; a repeated consumer span of the same
  event is marked as a redelivery.
  --url       the shop (default SHOP_URL or http://127.0.0.1:8080): its trace API, as an administrator
  --email, --password  that administrator (default SHOP_ADMIN_EMAIL / SHOP_ADMIN_PASSWORD, else the dev admin)
  --zipkin    ask this Zipkin instead of the shop (local real mode with Zipkin)
  --limit     at most this many traces (default 10)
  --json      the traces as Zipkin's JSON instead`;

/** Where the traces are read: Zipkin's `/api/v2` base URL and the bearer token it needs, if any. */
export interface TraceSource {
  api: string;
  token?: string;
}

// Order ids are UUIDs; anything that could change the meaning of a Zipkin annotationQuery is refused.
const ORDER_ID = /^[A-Za-z0-9_-]+$/;

/** The traces tagged with the order id, oldest first; throws a sentence saying what went wrong. */
export async function fetchOrderTraces(
  source: TraceSource,
  orderId: string,
  limit = 10,
): Promise<ZipkinTrace[]> {
  if (!ORDER_ID.test(orderId)) throw new Error(`"${orderId}" is not an order id (letters, digits, - and _)`);
  const query = new URLSearchParams({ annotationQuery: `shop.order_id=${orderId}`, limit: String(limit) });
  const url = `${source.api}/traces?${query}`;
  const res = await fetch(
    url,
    source.token ? { headers: { authorization: `Bearer ${source.token}` } } : {},
  ).catch((error: unknown) => {
    throw new Error(`nothing answers at ${source.api}: ${(error as Error).message}`);
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).trim()}`);
  const traces = (await res.json()) as ZipkinTrace[];
  // Zipkin answers latest first; a waterfall reads from the start.
  return traces.reverse();
}

/** Runs `shop trace <args>`, printing with `print` (the console by default). */
export async function traceCommand(args: string[], print = console.log): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: "string", default: process.env.SHOP_URL ?? "http://127.0.0.1:8080" },
      zipkin: { type: "string" },
      email: { type: "string", default: process.env.SHOP_ADMIN_EMAIL ?? DEV_ADMIN.email },
      password: { type: "string", default: process.env.SHOP_ADMIN_PASSWORD ?? DEV_ADMIN.password },
      limit: { type: "string", default: "10" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void print(TRACE_USAGE);
  const limit = Number(values.limit);
  if (positionals.length !== 1 || !Number.isSafeInteger(limit) || limit < 1) {
    console.error(TRACE_USAGE);
    process.exitCode = 2;
    return;
  }
  const orderId = positionals[0]!;
  try {
    const source = values.zipkin
      ? { api: `${values.zipkin.replace(/\/$/, "")}/api/v2` }
      : await shopSource(values.url, values.email, values.password);
    const traces = await fetchOrderTraces(source, orderId, limit);
    if (values.json) return void print(JSON.stringify(traces));
    if (traces.length === 0) {
      // Zipkin keeps what it was sent; the embedded shop only its latest orders' traces.
      const why = values.zipkin ? "" : " (the embedded shop keeps the traces of its latest 1,000 orders)";
      console.error(`no trace of order ${orderId} at ${source.api}${why}`);
      process.exitCode = 1;
      return;
    }
    print(traces.map(renderWaterfall).join("\n\n"));
  } catch (error) {
    console.error(`shop trace: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

async function shopSource(url: string, email: string, password: string): Promise<TraceSource> {
  const base = url.replace(/\/$/, "");
  const { tokens } = await loginAs(base, email, password).catch((error: unknown) => {
    throw new Error(`could not log in to ${base} as ${email}: ${(error as Error).message}`);
  });
  return { api: `${base}${ZIPKIN_API_PATH.replace(/\/$/, "")}`, token: tokens.accessToken };
}
