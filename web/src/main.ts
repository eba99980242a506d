/**
 * The storefront's entry point: the header (cart count, account), and the pages by route.
 */
import "./style.css";
import "./admin/admin.css";
import { adminAuditPage } from "./admin/audit.ts";
import { adminDeadLetterPage, adminDeadLettersPage } from "./admin/dead-letters.ts";
import { adminHubPage } from "./admin/hub.ts";
import { adminOrderPage } from "./admin/order.ts";
import { adminOrdersPage } from "./admin/orders.ts";
import { adminProductPage } from "./admin/product-edit.ts";
import { adminProductsPage } from "./admin/products.ts";
import { adminPromotionPage } from "./admin/promotion.ts";
import { adminPromotionsPage } from "./admin/promotions.ts";
import { adminStockPage } from "./admin/stock.ts";
import { cartCount, loadCart, onCartChange } from "./cart.ts";
import { h, replace } from "./dom.ts";
import { analyticsPage } from "./pages/analytics.ts";
import { loginPage, logout, registerPage } from "./pages/auth.ts";
import { browsePage } from "./pages/browse.ts";
import { cartPage } from "./pages/cart.ts";
import { checkoutPage } from "./pages/checkout.ts";
import { devMailPage } from "./pages/dev-mail.ts";
import { forgotPage, resetPage, verifyPage } from "./pages/email-links.ts";
import { operationsPage } from "./pages/operations.ts";
import { orderPage } from "./pages/order.ts";
import { ordersPage } from "./pages/orders.ts";
import { productPage } from "./pages/product.ts";
import { tracePage } from "./pages/trace.ts";
import { startRouter } from "./router.ts";
import { currentSession, onSessionChange } from "./session.ts";

function renderCartCount() {
  const badge = document.getElementById("cart-count");
  if (badge) badge.textContent = String(cartCount());
}

function renderAccount() {
  const account = document.getElementById("account");
  if (!account) return;
  const session = currentSession();
  // The admin's part of the nav; the pages behind it check the role again (and the shop checks the token).
  document.getElementById("admin-nav-admin")?.toggleAttribute("hidden", !session?.admin);
  document.getElementById("admin-nav")?.toggleAttribute("hidden", !session?.admin);
  document.getElementById("admin-nav-analytics")?.toggleAttribute("hidden", !session?.admin);
  replace(
    account,
    session
      ? h(
          "span",
          { class: "account" },
          h("span", { class: "who", title: session.email }, session.email),
          // Shown, never enforced: an unconfirmed address buys like any other.
          session.emailVerified === false &&
            h(
              "span",
              { class: "unverified", title: "Follow the link in your welcome email to confirm it" },
              "email not verified",
            ),
          h("button", { type: "button", class: "link", onclick: () => void logout() }, "Log out"),
        )
      : h("a", { href: "#/login" }, "Log in"),
  );
}

const main = document.getElementById("main");
if (!main) throw new Error("index.html has no <main id=main>");
renderCartCount();
renderAccount();
onCartChange(renderCartCount);
// The count shows the shop's cart: the guest's of this browser, or the customer's own.
void loadCart().catch(() => undefined);
// Another tab started or merged the guest cart.
window.addEventListener("storage", (event) => {
  if (event.key === "shop.cartId") void loadCart().catch(() => undefined);
});
onSessionChange((session) => {
  renderAccount();
  // A login merges and loads the cart itself (pages/auth.ts); after a logout the guest has none.
  if (!session) void loadCart().catch(() => undefined);
});

startRouter(
  main,
  {
    "/": { name: "browse", page: browsePage },
    "/products/:id": { name: "browse", page: productPage },
    "/login": { name: "login", page: loginPage },
    "/register": { name: "login", page: registerPage },
    "/cart": { name: "cart", page: cartPage },
    "/checkout": { name: "cart", page: checkoutPage },
    "/admin": { name: "admin", page: adminHubPage },
    "/admin/products": { name: "admin", page: adminProductsPage },
    "/admin/products/:id": { name: "admin", page: adminProductPage },
    "/admin/stock": { name: "admin", page: adminStockPage },
    "/admin/promotions": { name: "admin", page: adminPromotionsPage },
    "/admin/promotions/:id": { name: "admin", page: adminPromotionPage },
    "/admin/orders": { name: "admin", page: adminOrdersPage },
    "/admin/orders/:id": { name: "admin", page: adminOrderPage },
    "/admin/dead-letters": { name: "admin", page: adminDeadLettersPage },
    "/admin/dead-letters/:id": { name: "admin", page: adminDeadLetterPage },
    "/admin/audit": { name: "admin", page: adminAuditPage },
    "/orders": { name: "orders", page: ordersPage },
    "/orders/:id": { name: "orders", page: orderPage },
    "/admin/operations": { name: "operations", page: operationsPage },
    "/verify": { name: "login", page: verifyPage },
    "/reset": { name: "login", page: resetPage },
    "/forgot": { name: "login", page: forgotPage },
    "/admin/orders/:id/trace": { name: "operations", page: tracePage },
    "/admin/analytics": { name: "analytics", page: analyticsPage },
    "/dev/mail": { name: "dev-mail", page: devMailPage },
  },
  (name) => {
    for (const link of document.querySelectorAll<HTMLElement>("[data-nav]")) {
      if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  },
);
