/**
 * The audit trail of admin actions: every admin verb records what it did, in its own transaction, as
 * an AdminActionRecorded event; the audit function keeps those in an append-only log.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AdminActionRecordedSchema } from "@shop/schemas/audit/v1/events";
import type { Principal } from "./auth/tokens.ts";
import type { Tx } from "./outbox/outbox.ts";

/** One admin action, as the verb that did it describes it. */
export interface AdminAction {
  /** Who acted (the RPC's caller); `email` when the caller's token or session tells it. */
  actor: Pick<Principal, "userId"> & { email?: string };
  /** `<function>.<Rpc>`, e.g. `catalog.UpsertProduct`. */
  action: string;
  /** The id of what changed (product, promotion, order, endpoint id). */
  target: string;
  /** The state before, any JSON-able value (bigints become strings); undefined when it did not exist. */
  before?: unknown;
  /** The state after; undefined when it no longer exists. */
  after?: unknown;
  /** When it happened (default: now). */
  at?: Date;
}

/**
 * Records `action` by emitting AdminActionRecorded through `tx`'s outbox, so the entry exists exactly
 * when the change committed. Call it inside the admin verb's transaction, after the change.
 */
export async function recordAdminAction(tx: Tx, action: AdminAction): Promise<void> {
  await tx.emit(
    AdminActionRecordedSchema,
    create(AdminActionRecordedSchema, {
      actorId: action.actor.userId,
      actorEmail: action.actor.email ?? "",
      action: action.action,
      target: action.target,
      before: auditJson(action.before),
      after: auditJson(action.after),
      at: timestampFromDate(action.at ?? new Date()),
    }),
    { key: action.target },
  );
}

/**
 * `value` as JSON for the audit log ("" for undefined): bigints as decimal strings, bytes as their
 * length only (an image's content does not belong in the log), dates as ISO strings.
 */
export function auditJson(value: unknown): string {
  if (value === undefined) return "";
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Uint8Array) return { bytes: v.length };
    return v;
  });
}
