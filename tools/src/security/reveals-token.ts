/**
 * Whether a text gives away a payment token: the token itself, or an encoding anyone can undo (hex,
 * base64, base64url; bytea columns come out as hex), including inside a `vault:v1:` ciphertext's
 * base64 or any other base64 run. A Transit ciphertext does not reveal it: only its key opens it.
 */

/** True if `text` holds `token` in clear or in an encoding anyone can reverse. */
export function revealsToken(text: string, token: string): boolean {
  const raw = Buffer.from(token, "utf8");
  const forms = [
    token,
    raw.toString("hex"),
    raw.toString("base64").replace(/=+$/, ""),
    raw.toString("base64url"),
  ];
  if (forms.some((form) => text.toLowerCase().includes(form.toLowerCase()))) return true;
  // Hex runs (bytea) and base64 runs decoded: the token inside a protobuf written as hex, or encoded.
  for (const [run] of text.matchAll(/(?:\\x)?[0-9a-f]{16,}/gi)) {
    if (Buffer.from(run.replace(/^\\x/, ""), "hex").toString("latin1").includes(token)) return true;
  }
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{12,}={0,2}/g)) {
    if (Buffer.from(run, "base64").toString("latin1").includes(token)) return true;
  }
  return false;
}
