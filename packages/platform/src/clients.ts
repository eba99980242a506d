/**
 * Connect clients of every Shop service, as a frontend holds them, for tests, the CLI and the load generator.
 */
import { type Client, Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { waitFor } from "@shop/runtime/testing";
import { AnalyticsService } from "@shop/schemas/analytics/v1/analytics";
import { AuditService } from "@shop/schemas/audit/v1/audit";
import { CartService } from "@shop/schemas/cart/v1/cart";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { InventoryService } from "@shop/schemas/inventory/v1/inventory";
import { type Order, OrderService } from "@shop/schemas/orders/v1/orders";
import { PromotionService } from "@shop/schemas/promotions/v1/promotions";
import { ShippingService } from "@shop/schemas/shipping/v1/shipping";

/** Clients of every service, calling as the holder of `token` (anonymous when undefined). */
export interface ShopClients {
  identity: Client<typeof IdentityService>;
  catalog: Client<typeof CatalogService>;
  orders: Client<typeof OrderService>;
  promotions: Client<typeof PromotionService>;
  inventory: Client<typeof InventoryService>;
  shipping: Client<typeof ShippingService>;
  analytics: Client<typeof AnalyticsService>;
  cart: Client<typeof CartService>;
  audit: Client<typeof AuditService>;
}

/** Creates the clients for the shop at `baseUrl`. */
export function shopClients(baseUrl: string, token?: string): ShopClients {
  const auth: Interceptor = (next) => (req) => {
    if (token) req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const transport = createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [auth] });
  return {
    identity: createClient(IdentityService, transport),
    catalog: createClient(CatalogService, transport),
    orders: createClient(OrderService, transport),
    promotions: createClient(PromotionService, transport),
    inventory: createClient(InventoryService, transport),
    shipping: createClient(ShippingService, transport),
    analytics: createClient(AnalyticsService, transport),
    cart: createClient(CartService, transport),
    audit: createClient(AuditService, transport),
  };
}

/** Logs in and returns clients calling as that user, with the user's id. */
export async function loginAs(baseUrl: string, email: string, password: string) {
  const { user, tokens } = await shopClients(baseUrl).identity.login({ email, password });
  if (!user || !tokens) throw new Error("login answered without user or tokens");
  return { user, tokens, clients: shopClients(baseUrl, tokens.accessToken) };
}

/**
 * Places an order in a shop just seeded: orders learns products from ProductChanged events and until
 * then answers InvalidArgument, so this places it again (the same request) until orders knows them,
 * for up to 30 s.
 */
export async function placeOrderWhenKnown(
  clients: ShopClients,
  request: Parameters<ShopClients["orders"]["placeOrder"]>[0],
): Promise<Order> {
  return waitFor(
    async () => {
      try {
        return (await clients.orders.placeOrder(request)).order;
      } catch (error) {
        if (ConnectError.from(error).code === Code.InvalidArgument) return undefined;
        throw error;
      }
    },
    { message: "orders to know the seeded products", timeoutMs: 30_000 },
  );
}
