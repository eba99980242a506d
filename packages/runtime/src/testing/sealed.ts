/**
 * Payment tokens sealed the way orders seals them in a local run (the dev Transit key), for tests that
 * play orders or inventory.
 */
import { devTransitKeyPath, devTransitSecrets, PAYMENT_TOKEN_KEY, sealWithKey } from "../secrets/transit.ts";

/** `token` sealed for `orderId` with the dev Transit key, as the local secret store seals it. */
export function sealedLocally(token: string, orderId: string): string {
  const key = devTransitSecrets()[devTransitKeyPath(PAYMENT_TOKEN_KEY)]?.key ?? "";
  return sealWithKey(Buffer.from(key, "base64"), token, orderId);
}
