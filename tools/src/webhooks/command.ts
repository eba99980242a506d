/**
 * `shop webhooks receive --secret whsec_… [--port 4000]`: a verifying receiver on 127.0.0.1 that prints
 * each delivery (its event type and id, and whether its signature holds). Register it with
 * WEBHOOKS_ALLOW_HOSTS=127.0.0.1:<port> (plain http and loopback are refused otherwise).
 */
import { parseArgs } from "node:util";
import { startReceiver } from "./receiver.ts";

export const WEBHOOKS_USAGE = `usage: shop webhooks receive --secret whsec_... [--port 4000]
  a receiver on 127.0.0.1 that verifies each delivery's Standard Webhooks signature and timestamp,
  answers 204 (valid) or 401 (not), and prints one line per delivery`;

/** Runs `shop webhooks <args>`. */
export async function webhooksCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { secret: { type: "string" }, port: { type: "string", default: "4000" } },
  });
  if (sub !== "receive" || !values.secret) {
    console.error(WEBHOOKS_USAGE);
    process.exitCode = 2;
    return;
  }
  const receiver = await startReceiver({
    secret: values.secret,
    port: Number(values.port),
    onDelivery: ({ headers, verdict }) => {
      const what = `${headers["ce-type"] ?? "?"} ${headers["ce-id"] ?? "?"} (delivery ${headers["webhook-id"] ?? "?"})`;
      console.log(verdict.valid ? `valid    ${what}` : `REFUSED  ${what}: ${verdict.reason}`);
    },
  });
  console.log(`receiving webhooks at ${receiver.url} (Ctrl-C stops)`);
}
