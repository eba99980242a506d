/**
 * @shop/schemas: the generated contracts of every domain, and one registry of them all.
 * The registry maps a CloudEvent `type` (a message's full name) to its schema.
 */
import { createRegistry } from "@bufbuild/protobuf";
import { file_google_protobuf_timestamp } from "@bufbuild/protobuf/wkt";
import { file_shop_audit_v1_audit } from "./gen/shop/audit/v1/audit_pb.ts";
import { file_shop_audit_v1_events } from "./gen/shop/audit/v1/events_pb.ts";
import { file_shop_cart_v1_cart } from "./gen/shop/cart/v1/cart_pb.ts";
import { file_shop_catalog_v1_catalog } from "./gen/shop/catalog/v1/catalog_pb.ts";
import { file_shop_catalog_v1_events } from "./gen/shop/catalog/v1/events_pb.ts";
import { file_shop_common_v1_address } from "./gen/shop/common/v1/address_pb.ts";
import { file_shop_common_v1_money } from "./gen/shop/common/v1/money_pb.ts";
import { file_shop_identity_v1_events } from "./gen/shop/identity/v1/events_pb.ts";
import { file_shop_identity_v1_identity } from "./gen/shop/identity/v1/identity_pb.ts";
import { file_shop_inventory_v1_events } from "./gen/shop/inventory/v1/events_pb.ts";
import { file_shop_inventory_v1_inventory } from "./gen/shop/inventory/v1/inventory_pb.ts";
import { file_shop_orders_v1_events } from "./gen/shop/orders/v1/events_pb.ts";
import { file_shop_orders_v1_orders } from "./gen/shop/orders/v1/orders_pb.ts";
import { file_shop_payments_v1_events } from "./gen/shop/payments/v1/events_pb.ts";
import { file_shop_promotions_v1_events } from "./gen/shop/promotions/v1/events_pb.ts";
import { file_shop_promotions_v1_promotions } from "./gen/shop/promotions/v1/promotions_pb.ts";
import { file_shop_redrive_v1_redrive } from "./gen/shop/redrive/v1/redrive_pb.ts";
import { file_shop_shipping_v1_events } from "./gen/shop/shipping/v1/events_pb.ts";
import { file_shop_shipping_v1_shipping } from "./gen/shop/shipping/v1/shipping_pb.ts";
import { file_shop_webhooks_v1_events } from "./gen/shop/webhooks/v1/events_pb.ts";
import { file_shop_webhooks_v1_webhooks } from "./gen/shop/webhooks/v1/webhooks_pb.ts";

/** Every proto file of Shop. */
export const files = [
  file_shop_common_v1_money,
  file_shop_identity_v1_identity,
  file_shop_identity_v1_events,
  file_shop_catalog_v1_catalog,
  file_shop_catalog_v1_events,
  file_shop_orders_v1_orders,
  file_shop_orders_v1_events,
  file_shop_promotions_v1_promotions,
  file_shop_promotions_v1_events,
  file_shop_inventory_v1_inventory,
  file_shop_inventory_v1_events,
  file_shop_payments_v1_events,
  file_shop_common_v1_address,
  file_shop_shipping_v1_shipping,
  file_shop_shipping_v1_events,
  file_shop_webhooks_v1_webhooks,
  file_shop_webhooks_v1_events,
  file_shop_cart_v1_cart,
  file_shop_audit_v1_audit,
  file_shop_audit_v1_events,
  file_shop_redrive_v1_redrive,
];

/** Every message, enum and service of Shop (and the well-known types they use), by full name. */
export const registry = createRegistry(file_google_protobuf_timestamp, ...files);
