/**
 * What the CLI shows of an event record: its CloudEvent attributes and its protobuf data decoded to the
 * JSON mapping, printed one event at a time.
 */
import { type JsonValue, toJson } from "@bufbuild/protobuf";
import { decodeEvent, fromKafkaRecord, type OutgoingRecord } from "@shop/runtime";
import { registry } from "@shop/schemas";

/** An event record as people read it. */
export interface EventView {
  time?: string;
  type?: string;
  source?: string;
  id?: string;
  subject?: string;
  key: string | null;
  /** The data in the protobuf JSON mapping; undefined when the type is unknown or the data does not decode. */
  message?: JsonValue;
  /** Why the record could not be read as a Shop event. */
  problem?: string;
}

/** Reads a record of the events (or dead-letter) topic. */
export function viewRecord(record: OutgoingRecord): EventView {
  const view: EventView = {
    key: record.key,
    time: record.headers.ce_time,
    type: record.headers.ce_type,
    source: record.headers.ce_source,
    id: record.headers.ce_id,
    subject: record.headers.ce_subject,
  };
  try {
    const decoded = decodeEvent(fromKafkaRecord(record));
    if (!decoded) return { ...view, problem: `unknown event type ${view.type ?? "(none)"}` };
    return { ...view, message: withoutPaymentTokens(toJson(decoded.schema, decoded.message, { registry })) };
  } catch (error) {
    return { ...view, problem: (error as Error).message };
  }
}

/**
 * The message with its payment tokens masked: the deprecated token in clear (events of orders placed
 * before tokens were sealed, still in the topic's retention) is never printed, and the sealed one is
 * shown as what it is, not as a long ciphertext nobody here can open.
 */
function withoutPaymentTokens(message: JsonValue): JsonValue {
  if (message === null || typeof message !== "object" || Array.isArray(message)) return message;
  const masked = { ...message };
  if (typeof masked.paymentToken === "string") masked.paymentToken = "[redacted]";
  if (typeof masked.sealedPaymentToken === "string") masked.sealedPaymentToken = "[sealed for payments]";
  return masked;
}

/** Which events to show: any of `types` (a trailing `*` matches a prefix), about `order` if set. */
export interface EventFilter {
  types?: string[];
  order?: string;
}

/** True when the event passes the filter. */
export function passes(view: EventView, filter: EventFilter): boolean {
  if (filter.types?.length) {
    const type = view.type ?? "";
    const ok = filter.types.some((t) => (t.endsWith("*") ? type.startsWith(t.slice(0, -1)) : type === t));
    if (!ok) return false;
  }
  if (filter.order) {
    const message = view.message as { orderId?: unknown } | undefined;
    const about = [view.key, view.subject, message?.orderId];
    if (!about.includes(filter.order)) return false;
  }
  return true;
}

const dim = (text: string, color: boolean) => (color ? `\x1b[2m${text}\x1b[22m` : text);
const bold = (text: string, color: boolean) => (color ? `\x1b[1m${text}\x1b[22m` : text);

/** One event as text: a header line (time, type, source, key) and the message as indented JSON. */
export function formatEvent(view: EventView, color = false): string {
  const time = view.time ? new Date(view.time).toISOString().replace("T", " ").replace("Z", "") : "-";
  const head = `${dim(time, color)}  ${bold(view.type ?? "(no type)", color)}  ${view.source ?? "-"}  key=${view.key ?? "-"}  id=${view.id ?? "-"}`;
  const body =
    view.message !== undefined ? JSON.stringify(view.message, null, 2) : `(${view.problem ?? "no data"})`;
  return `${head}\n${body.replace(/^/gm, "  ")}\n`;
}
