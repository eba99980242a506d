/**
 * Sealing with Vault's Transit engine: a value encrypted with a named key that stays inside Vault;
 * who may encrypt and who may decrypt with it are separate rights of the Vault policies. Customers'
 * payment tokens are sealed this way by orders, for payments alone (infra/cluster/vault/README.md).
 *
 * Locally (no Vault) the same ciphertext format is made with a dev key that is a public dev secret
 * like the others, so separate local processes agree: `vault:v1:` + base64(nonce ‖ ciphertext ‖ tag)
 * of AES-256-GCM with a 96-bit nonce, as Transit's default key type (aes256-gcm96) writes it.
 *
 * The payment token key is a derived key (`derived=true`): every ciphertext is made with a key derived
 * from the order id (Transit's `context`), so a sealed token opens only for the order it was sealed
 * for; copied into another order's event it is useless even to payments.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/** The Transit key that seals payment tokens: orders (and the saga's other steps) encrypt, payments decrypts. */
export const PAYMENT_TOKEN_KEY = "shop-payment-token";

/**
 * The Transit key that seals the tokens of emailed links (email verification, password reset):
 * identity encrypts, notifications decrypts. Derived: the context is the user id.
 */
export const NOTIFICATION_TOKEN_KEY = "shop-notification-token";

/** The secret path of a dev Transit key (local runs only): `{ key }`, 32 bytes in base64. */
export function devTransitKeyPath(key: string): string {
  return `shop/transit/${key}`;
}

/** Dev values of the Transit keys, in the shape the secret store returns (fixed: processes agree). */
export function devTransitSecrets(): Record<string, Record<string, string>> {
  return Object.fromEntries(
    [PAYMENT_TOKEN_KEY, NOTIFICATION_TOKEN_KEY].map((key) => {
      const seed = `shop dev transit key ${key}: not for production`;
      return [devTransitKeyPath(key), { key: createHash("sha256").update(seed).digest("base64") }];
    }),
  );
}

/**
 * A ciphertext that no key can open: malformed, tampered with, or of another key. Permanent: asking
 * again gives the same answer (unlike Vault being away, which is an ordinary error and worth a retry).
 */
export class UnreadableCiphertextError extends Error {
  constructor(key: string, why: string) {
    super(`the ciphertext cannot be decrypted with the Transit key ${key}: ${why}`);
    this.name = "UnreadableCiphertextError";
  }
}

const PREFIX = "vault:v1:";

// A derived key's key for one context (HKDF-SHA256, as Transit's derived keys); the key itself without.
function keyFor(secretKey: Buffer, context: string | undefined): Buffer {
  return context === undefined ? secretKey : Buffer.from(hkdfSync("sha256", secretKey, "", context, 32));
}

/** Encrypts `plaintext` with a 32-byte key (derived for `context` if given), in Transit's aes256-gcm96 format. */
export function sealWithKey(secretKey: Buffer, plaintext: string, context?: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(secretKey, context), nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64");
}

/** Decrypts what sealWithKey made with the same context; UnreadableCiphertextError for anything else. */
export function openWithKey(key: string, secretKey: Buffer, ciphertext: string, context?: string): string {
  if (!ciphertext.startsWith(PREFIX)) throw new UnreadableCiphertextError(key, "not a vault:v1 ciphertext");
  const raw = Buffer.from(ciphertext.slice(PREFIX.length), "base64");
  if (raw.length < 12 + 16) throw new UnreadableCiphertextError(key, "too short");
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(secretKey, context), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new UnreadableCiphertextError(key, "message authentication failed");
  }
}

/** What a secret store offers of Transit (SecretStore's encrypt and decrypt). */
export interface Sealer {
  encrypt?(key: string, plaintext: string, context?: string): Promise<string>;
  decrypt?(key: string, ciphertext: string, context?: string): Promise<string>;
}

/** Seals a customer's payment token for payments, bound to `orderId`; "" stays "" (nothing to seal). */
export async function sealPaymentToken(store: Sealer, token: string, orderId: string): Promise<string> {
  if (token === "") return "";
  if (!store.encrypt) throw new Error("this secret store cannot seal payment tokens (no Transit)");
  return store.encrypt(PAYMENT_TOKEN_KEY, token, orderId);
}

/**
 * Opens a payment token sealed for `orderId` (payments only: no other policy may decrypt with the
 * key). UnreadableCiphertextError when it was not sealed for this order or not by Transit at all.
 */
export async function openPaymentToken(store: Sealer, sealed: string, orderId: string): Promise<string> {
  if (!store.decrypt) throw new Error("this secret store cannot open payment tokens (no Transit)");
  return store.decrypt(PAYMENT_TOKEN_KEY, sealed, orderId);
}

/** Seals the token of an emailed link for notifications, bound to `userId`; "" stays "" (nothing to seal). */
export async function sealNotificationToken(store: Sealer, token: string, userId: string): Promise<string> {
  if (token === "") return "";
  if (!store.encrypt) throw new Error("this secret store cannot seal notification tokens (no Transit)");
  return store.encrypt(NOTIFICATION_TOKEN_KEY, token, userId);
}

/**
 * Opens a link token sealed for `userId` (notifications only: no other policy may decrypt with the
 * key). UnreadableCiphertextError when it was not sealed for this user or not by Transit at all.
 */
export async function openNotificationToken(store: Sealer, sealed: string, userId: string): Promise<string> {
  if (!store.decrypt) throw new Error("this secret store cannot open notification tokens (no Transit)");
  return store.decrypt(NOTIFICATION_TOKEN_KEY, sealed, userId);
}
