/**
 * The back office's sections (no DOM here: the browser test reads the list too).
 */

/** The back office's sections, as the tabs show them. */
export const SECTIONS: readonly [path: string, label: string][] = [
  ["/admin/products", "Products"],
  ["/admin/stock", "Stock"],
  ["/admin/promotions", "Promotions"],
  ["/admin/orders", "Orders"],
  ["/admin/dead-letters", "Dead letters"],
  ["/admin/audit", "Audit log"],
  ["/admin/analytics", "Analytics"],
  ["/admin/operations", "Operations"],
];
