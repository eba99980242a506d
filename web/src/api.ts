/**
 * The Connect clients of the storefront, calling the shop on this page's own origin (the gateway
 * serves the storefront and every service). An interceptor adds the access token, refreshing it
 * with the refresh token shortly before it expires, or once when a call is refused as unauthenticated.
 */
import { type Client, Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { AnalyticsService } from "@shop/schemas/analytics/v1/analytics";
import { AuditService } from "@shop/schemas/audit/v1/audit";
import { CartService } from "@shop/schemas/cart/v1/cart";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { InventoryService } from "@shop/schemas/inventory/v1/inventory";
import { OrderService } from "@shop/schemas/orders/v1/orders";
import { PromotionService } from "@shop/schemas/promotions/v1/promotions";
import { DeadLetterService } from "@shop/schemas/redrive/v1/redrive";
import { ShippingService } from "@shop/schemas/shipping/v1/shipping";
import { currentSession, endSession, renewSession, type Session } from "./session.ts";

// Refresh this long before the access token expires, so a call in flight does not race the expiry.
const REFRESH_MARGIN_MS = 30_000;

const baseUrl = window.location.origin;

// Calls that must not carry (or refresh) a token: the refresh itself would otherwise recurse.
const anonymous = createClient(IdentityService, createConnectTransport({ baseUrl }));

let refreshing: Promise<Session | undefined> | undefined;

/**
 * Exchanges the refresh token for new tokens. Refresh tokens are single-use, so concurrent callers
 * share one exchange; a refused refresh token ends the session.
 */
export function refreshSession(): Promise<Session | undefined> {
  refreshing ??= (async () => {
    const session = currentSession();
    if (!session) return undefined;
    try {
      const { tokens } = await anonymous.refresh({ refreshToken: session.refreshToken });
      return tokens ? renewSession(tokens) : undefined;
    } catch (error) {
      const code = ConnectError.from(error).code;
      if (code === Code.Unauthenticated || code === Code.PermissionDenied || code === Code.NotFound)
        endSession();
      throw error;
    }
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

const authenticate: Interceptor = (next) => async (req) => {
  let session = currentSession();
  if (!session) return next(req);
  if (session.accessExpiresAt - Date.now() < REFRESH_MARGIN_MS) session = await refreshSession();
  if (session) req.header.set("authorization", `Bearer ${session.accessToken}`);
  try {
    return await next(req);
  } catch (error) {
    // A unary call can be sent again as it is; a stream's request body has already been consumed.
    if (req.stream || ConnectError.from(error).code !== Code.Unauthenticated) throw error;
    const renewed = await refreshSession().catch(() => undefined);
    if (!renewed) throw error;
    req.header.set("authorization", `Bearer ${renewed.accessToken}`);
    return next(req);
  }
};

const transport = createConnectTransport({ baseUrl, interceptors: [authenticate] });

/** The shop's services, as the logged-in customer (or anonymously). */
export const api: {
  identity: Client<typeof IdentityService>;
  inventory: Client<typeof InventoryService>;
  audit: Client<typeof AuditService>;
  deadLetters: Client<typeof DeadLetterService>;
  catalog: Client<typeof CatalogService>;
  orders: Client<typeof OrderService>;
  promotions: Client<typeof PromotionService>;
  analytics: Client<typeof AnalyticsService>;
  cart: Client<typeof CartService>;
  shipping: Client<typeof ShippingService>;
} = {
  identity: createClient(IdentityService, transport),
  inventory: createClient(InventoryService, transport),
  audit: createClient(AuditService, transport),
  deadLetters: createClient(DeadLetterService, transport),
  catalog: createClient(CatalogService, transport),
  orders: createClient(OrderService, transport),
  promotions: createClient(PromotionService, transport),
  analytics: createClient(AnalyticsService, transport),
  cart: createClient(CartService, transport),
  shipping: createClient(ShippingService, transport),
};

/** Identity calls that never carry a token (Login, Register, Logout). */
export const identityAnonymous: Client<typeof IdentityService> = anonymous;
