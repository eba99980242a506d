/**
 * Everything webhooks consumes: no event type of its own (it has no Trigger), but every event on
 * shop.events, whatever its type, from its KafkaSource with its own consumer group
 * (knative/base/webhooks.yaml): endpoints may ask for any type, new ones included, without a
 * Trigger per type to keep in step.
 */
import type { EventSubscription, OtherEventHandler } from "@shop/runtime";
import type { WebhooksDeps } from "../setup.ts";
import { onShopEvent } from "./on-shop-event.ts";

/** webhooks' subscriptions by type: none. */
export const subscriptions: EventSubscription<WebhooksDeps>[] = [];

/** What takes every event POSTed to webhooks: a shop event to fan out to endpoints. */
export const otherEvents: OtherEventHandler<WebhooksDeps> = onShopEvent;

/** Only types some enabled endpoint asks for reach `otherEvents`; the rest are ignored at once. */
export const wantsOtherEvent = (type: string, deps: WebhooksDeps) => deps.wanted.wants(type);
