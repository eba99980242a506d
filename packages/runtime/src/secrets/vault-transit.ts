/**
 * Vault's Transit engine through node-vault: encrypt and decrypt with a named key that never leaves
 * Vault. The policy of the caller decides which it may do (`update` on `transit/encrypt/<key>` or
 * `transit/decrypt/<key>`).
 */
import type NodeVault from "node-vault";
import { UnreadableCiphertextError } from "./transit.ts";
import { describeVaultError, type VaultApiError } from "./vault-options.ts";

/** The encrypt and decrypt of a Vault store; `ready` resolves once it is logged in. */
export function vaultTransit(
  client: () => Promise<NodeVault.client>,
  mount: string,
  ready: () => Promise<void>,
) {
  async function call(verb: "encrypt" | "decrypt", key: string, body: Record<string, string>) {
    await ready();
    const response = await (await client()).write(`${mount}/${verb}/${key}`, body);
    return (response as { data?: Record<string, unknown> }).data ?? {};
  }
  return {
    async encrypt(key: string, plaintext: string, context?: string): Promise<string> {
      try {
        const body = { plaintext: base64(plaintext), ...contextOf(context) };
        const data = await call("encrypt", key, body);
        if (typeof data.ciphertext !== "string") throw new Error("Vault answered without a ciphertext");
        return data.ciphertext;
      } catch (error) {
        // Never the error itself: axios errors carry the request body, which holds the plaintext.
        throw new Error(`cannot encrypt with the Transit key ${key}: ${describeVaultError(error)}`);
      }
    },
    async decrypt(key: string, ciphertext: string, context?: string): Promise<string> {
      try {
        const data = await call("decrypt", key, { ciphertext, ...contextOf(context) });
        if (typeof data.plaintext !== "string") throw new Error("Vault answered without a plaintext");
        return Buffer.from(data.plaintext, "base64").toString("utf8");
      } catch (error) {
        const reason = describeVaultError(error);
        // Vault answers 400 for a ciphertext it cannot open (malformed, tampered, another key): asking
        // again changes nothing. Anything else (down, sealed, refused) may pass.
        if ((error as VaultApiError).response?.statusCode === 400)
          throw new UnreadableCiphertextError(key, reason);
        throw new Error(`cannot decrypt with the Transit key ${key}: ${reason}`);
      }
    },
  };
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
// A derived key's context travels in base64, as Transit wants it.
const contextOf = (context: string | undefined): Record<string, string> =>
  context === undefined ? {} : { context: base64(context) };
