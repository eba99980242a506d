/**
 * Everything redrive consumes: no event type of its own (it has no Trigger), but every dead letter,
 * whatever its type, from the KafkaSource on `shop.events.dlq` (knative/base/redrive.yaml).
 */
import type { EventSubscription, OtherEventHandler } from "@shop/runtime";
import type { RedriveDeps } from "../setup.ts";
import { onDeadLetter } from "./on-dead-letter.ts";

/** redrive's subscriptions by type: none. */
export const subscriptions: EventSubscription<RedriveDeps>[] = [];

/** What takes every event POSTed to redrive: a dead letter. */
export const otherEvents: OtherEventHandler<RedriveDeps> = onDeadLetter;
