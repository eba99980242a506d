/**
 * What identity consumes: nothing. It only emits UserRegistered. Kept as the one list so that a
 * future subscription has its obvious place (and knative/identity.yaml stays in step with it).
 */
import type { EventSubscription } from "@shop/runtime";
import type { IdentityDeps } from "../setup.ts";

/** identity's subscriptions (none). */
export const subscriptions: EventSubscription<IdentityDeps>[] = [];
