/**
 * What authenticating a delivery costs per event: the verifier's fast path (the broker's token,
 * already verified), a token it has not seen (a full EdDSA signature check), and the runner's token
 * per delivery (cached per audience). Run on an idle core:
 *
 *   node --import tsx tools/src/bench/event-auth.ts [iterations]
 */
import { createEventIssuer, createEventVerifier } from "@shop/runtime";

const iterations = Number(process.argv[2] ?? 20_000);
const issuer = await createEventIssuer({ issuer: "bench" });
const verifier = createEventVerifier({
  mode: "oidc",
  issuer: "bench",
  audience: "shop/orders",
  keys: { get: issuer.keys },
})!;

async function perCall(name: string, run: (i: number) => Promise<unknown>, n = iterations) {
  const warm = Math.min(n, 1000);
  for (let i = 0; i < warm; i++) await run(i);
  // Measured calls continue the index after the warm-up's, so no call repeats one of those.
  const started = process.hrtime.bigint();
  for (let i = warm; i < warm + n; i++) await run(i);
  const micros = Number(process.hrtime.bigint() - started) / 1000 / n;
  console.log(`${name.padEnd(44)} ${micros.toFixed(2).padStart(8)} µs/call  (${n} calls)`);
}

const reused = `Bearer ${await issuer.token("shop/orders")}`;
await perCall("verify, the broker's reused token (fast path)", () => verifier.check(reused));
// Distinct tokens (a subject per call), each verified in full; made before the clock starts.
const fresh = await Promise.all(
  Array.from({ length: 5_000 }, (_, i) =>
    issuer.sign({ audience: "shop/orders", expiresInS: 600, subject: `s-${i}` }).then((t) => `Bearer ${t}`),
  ),
);
const unseen = createEventVerifier({
  mode: "oidc",
  issuer: "bench",
  audience: "shop/orders",
  keys: { get: issuer.keys },
})!;
await perCall(
  "verify, a token not seen before (EdDSA)",
  (i) => unseen.check(fresh[i % fresh.length]),
  fresh.length - 1000,
);
await perCall("runner: token for a delivery (cached)", () => issuer.token("shop/orders"));
