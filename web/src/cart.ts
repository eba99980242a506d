/**
 * The cart, kept in localStorage so it survives reloads and logins. Each line keeps the product as
 * it was seen (name, category, price), which is what ValidateCoupon previews against; the order
 * itself is priced by the shop when it is placed.
 */
import type { Product } from "@shop/schemas/catalog/v1/catalog";

const KEY = "shop.cart";

/** One product in the cart. */
export interface CartLine {
  productId: string;
  name: string;
  category: string;
  /** Minor units, as a decimal string (JSON has no bigint). */
  unitPriceMinor: string;
  currency: string;
  quantity: number;
  /** Units in stock when last seen, to cap the quantity. */
  available: number;
}

const listeners = new Set<() => void>();

/** The lines of the cart. */
export function cartLines(): CartLine[] {
  try {
    const lines = JSON.parse(localStorage.getItem(KEY) ?? "[]") as CartLine[];
    return Array.isArray(lines) ? lines : [];
  } catch {
    return [];
  }
}

/** Units in the cart, over all lines. */
export function cartCount(): number {
  return cartLines().reduce((sum, line) => sum + line.quantity, 0);
}

/** Adds `quantity` of `product` (capped at what is available); returns the quantity now in the cart. */
export function addToCart(product: Product, quantity = 1): number {
  const lines = cartLines();
  const line = lines.find((l) => l.productId === product.id);
  const seen = fromProduct(product);
  if (line) {
    Object.assign(line, seen, { quantity: Math.min(line.quantity + quantity, product.available) });
  } else {
    lines.push({ ...seen, quantity: Math.min(quantity, product.available) });
  }
  save(lines);
  return lines.find((l) => l.productId === product.id)?.quantity ?? 0;
}

/** Sets the quantity of a line; 0 removes it. */
export function setQuantity(productId: string, quantity: number): void {
  save(
    cartLines()
      .map((line) => (line.productId === productId ? { ...line, quantity } : line))
      .filter((line) => line.quantity > 0),
  );
}

/** Updates the lines with the products as the catalog has them now; drops products no longer for sale. */
export function refreshCart(products: Map<string, Product | undefined>): void {
  save(
    cartLines().flatMap((line) => {
      const product = products.get(line.productId);
      if (!products.has(line.productId)) return [line];
      if (!product?.active || product.available <= 0) return [];
      return [{ ...line, ...fromProduct(product), quantity: Math.min(line.quantity, product.available) }];
    }),
  );
}

/** Empties the cart. */
export function clearCart(): void {
  save([]);
}

/** Calls `listener` whenever the cart changes. */
export function onCartChange(listener: () => void): void {
  listeners.add(listener);
}

/** The sum of the lines, in minor units, and their currency. */
export function cartSubtotal(lines: CartLine[]): { amountMinor: bigint; currency: string } {
  return {
    amountMinor: lines.reduce((sum, l) => sum + BigInt(l.unitPriceMinor) * BigInt(l.quantity), 0n),
    currency: lines[0]?.currency ?? "EUR",
  };
}

function fromProduct(product: Product): Omit<CartLine, "quantity"> {
  return {
    productId: product.id,
    name: product.name,
    category: product.category,
    unitPriceMinor: String(product.price?.amountMinor ?? 0n),
    currency: product.price?.currency ?? "EUR",
    available: product.available,
  };
}

function save(lines: CartLine[]): void {
  localStorage.setItem(KEY, JSON.stringify(lines));
  for (const listener of listeners) listener();
}
