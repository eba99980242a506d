/**
 * Where endpoints' signing secrets live: the runtime's secret store (Vault KV v2 at
 * `shop/webhooks/endpoints/<id>` in the cluster, the dev store locally). The database keeps only the
 * path and the version, so a replica whose cache holds an older version reads it again.
 */
import type { SecretStore } from "@shop/runtime";
import { secretsReadOnly } from "./errors.ts";
import { newSecret } from "./signing.ts";

/** The secret-store path of endpoint `id`'s signing secret. */
export function secretPath(id: string): string {
  return `shop/webhooks/endpoints/${id}`;
}

/** Keeps and reads signing secrets. */
export interface SigningSecrets {
  /** Makes a new secret of `version` at `ref` and keeps it; answers the secret (shown once). */
  issue(ref: string, version: number): Promise<string>;
  /** The secret at `ref` of `version`, or undefined when the store has none (or an older one only). */
  read(ref: string, version: number): Promise<string | undefined>;
}

/** {@link SigningSecrets} over the runtime's secret store. */
export function signingSecrets(store: SecretStore): SigningSecrets {
  return {
    async issue(ref, version) {
      if (!store.write) throw secretsReadOnly();
      const secret = newSecret();
      await store.write(ref, { secret, version: String(version) });
      return secret;
    },
    async read(ref, version) {
      const matches = (value: Record<string, string> | undefined) =>
        value?.secret && Number(value.version) === version ? value.secret : undefined;
      return matches(await store.read(ref)) ?? matches(await store.read(ref, { fresh: true }));
    },
  };
}
