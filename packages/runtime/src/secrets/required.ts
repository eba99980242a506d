/**
 * Secrets a function cannot run without. Outside development a missing one is never replaced by a dev
 * value: the function waits (listening, not ready, so Kubernetes neither routes to it nor restarts it
 * in a loop), says once which secret is missing, and starts as soon as it appears.
 */
import type { SecretStore } from "../config.ts";
import type { Logger } from "../logger.ts";

export interface RequireSecretsOptions {
  /** Waits between reads: doubling from `retryMs` up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** Resolves once every path in `paths` has a value in `secrets`. */
export async function requireSecrets(
  name: string,
  paths: string[],
  secrets: SecretStore,
  logger: Logger,
  { retryMs = 250, maxRetryMs = 5_000 }: RequireSecretsOptions = {},
): Promise<void> {
  let wait = retryMs;
  let reported = false;
  for (;;) {
    const missing: string[] = [];
    for (const path of paths) {
      // A store that cannot answer now (Vault went away) reports that itself; the secret counts as missing.
      const value = await secrets.read(path, { fresh: true }).catch(() => undefined);
      if (!hasValue(value)) missing.push(path);
    }
    if (missing.length === 0) return;
    if (!reported) {
      reported = true;
      logger.error(
        { missing, secrets: secrets.describe() },
        "%s is not ready: secret %s is missing from %s, and outside development there is no dev value; " +
          "it starts once the secret is set",
        name,
        missing.join(", "),
        secrets.describe(),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, maxRetryMs);
  }
}

function hasValue(secret: Record<string, string> | undefined): boolean {
  return secret !== undefined && Object.keys(secret).length > 0;
}
