/**
 * What the kubelet does for a pod with projected service account tokens, for function processes of
 * local real mode: a folder with a current delivery token per audience (`<dir>/shop/<function>`),
 * rewritten well before each expires. A function reads it through `SHOP_SENDER_IDENTITY_DIR`.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { defaultEventAudience, type EventIssuer } from "@shop/runtime";

/** A folder of delivery tokens and the environment that points a function at it. */
export interface TokenFiles {
  env: Record<string, string>;
  close(): Promise<void>;
}

// Rewritten every minute: the issuer hands out a fresh token a minute before the cached one expires.
const REWRITE_MS = 60_000;

/** Writes a token of `issuer` for each function of `names`, and keeps them current until closed. */
export async function writeTokenFiles(issuer: EventIssuer, names: readonly string[]): Promise<TokenFiles> {
  const dir = await mkdtemp(join(tmpdir(), "shop-tokens-"));
  const write = async () => {
    for (const name of names) {
      const audience = defaultEventAudience(name);
      const file = join(dir, audience);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, await issuer.token(audience), { mode: 0o600 });
    }
  };
  await write();
  const timer = setInterval(() => void write().catch(() => {}), REWRITE_MS);
  timer.unref();
  return {
    env: { SHOP_SENDER_IDENTITY_DIR: dir },
    async close() {
      clearInterval(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
