/**
 * The functions of Shop: the one list of what the platform runs. A new function is added here (and
 * to this package's dependencies); nothing is found by folder or by name.
 */
import { analyticsFunction } from "@shop/analytics/function";
import { auditFunction } from "@shop/audit/function";
import { cartFunction } from "@shop/cart/function";
import { catalogFunction } from "@shop/catalog/function";
import { identityFunction } from "@shop/identity/function";
import { inventoryFunction } from "@shop/inventory/function";
import { notificationsFunction } from "@shop/notifications/function";
import { ordersFunction } from "@shop/orders/function";
import { paymentsFunction } from "@shop/payments/function";
import { promotionsFunction } from "@shop/promotions/function";
import { redriveFunction } from "@shop/redrive/function";
import type { FunctionDefinition } from "@shop/runtime";
import { shippingFunction } from "@shop/shipping/function";
import { webhooksFunction } from "@shop/webhooks/function";

/**
 * The administrator a local shop starts with when no secret names one: identity's public dev default
 * (the start banner prints it; the seed, load and fault runs log in with it). Never for production.
 */
export { DEV_ADMIN } from "@shop/identity/function";

/**
 * How redrive classifies a dead letter (transient: redriven; malformed: stays dead), for `shop dlq
 * list`, which reads the dead-letter topic itself.
 */
export {
  type Classifiable,
  type Classification,
  classify as classifyDeadLetter,
  KAFKA_EVENT_TYPE,
} from "@shop/redrive/function";

/** Every function's definition, in a stable order (by name). */
export const shopFunctions: readonly FunctionDefinition[] = [
  analyticsFunction,
  auditFunction,
  cartFunction,
  catalogFunction,
  identityFunction,
  inventoryFunction,
  notificationsFunction,
  ordersFunction,
  paymentsFunction,
  promotionsFunction,
  redriveFunction,
  shippingFunction,
  webhooksFunction,
];

/** The names of every function, in the order of {@link shopFunctions}. */
export const functionNames: readonly string[] = shopFunctions.map((definition) => definition.name);

/** The definition of function `name`; throws, naming the functions there are, when there is none. */
export function shopFunction(name: string): FunctionDefinition {
  const definition = shopFunctions.find((candidate) => candidate.name === name);
  if (!definition) throw new Error(`no function ${name}: there are ${functionNames.join(", ")}`);
  return definition;
}
