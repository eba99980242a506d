/**
 * Tokens a function sends with an event it delivers to another function itself (redrive handing a
 * dead letter back to its subscriber), as the broker does: one per audience. In the cluster they are
 * service account tokens the kubelet projects and renews, one file per audience under
 * `SHOP_SENDER_IDENTITY_DIR` (`<dir>/shop/orders` for audience `shop/orders`); locally the runner's issuer.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** The current token for `audience`, or undefined when there is none to send. */
export type DeliveryTokens = (audience: string) => Promise<string | undefined>;

// An audience names a file below the folder: path segments of safe characters, never "..".
const SAFE_AUDIENCE = /^[\w-]+(?:\.[\w-]+)*(?:\/[\w-]+(?:\.[\w-]+)*)*$/;

/** The tokens of a starting function: `option` (an issuer in this process), else `SHOP_SENDER_IDENTITY_DIR`. */
export function deliveryTokensFor(env: NodeJS.ProcessEnv, option?: DeliveryTokens): DeliveryTokens {
  if (option) return option;
  const dir = env.SHOP_SENDER_IDENTITY_DIR;
  if (!dir) return async () => undefined;
  return async (audience) => {
    if (!SAFE_AUDIENCE.test(audience)) return undefined;
    // Read each time: the kubelet rewrites the file before the token expires.
    return readFile(join(dir, audience), "utf8").then(
      (text) => text.trim() || undefined,
      () => undefined,
    );
  };
}
