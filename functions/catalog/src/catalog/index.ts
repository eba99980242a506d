/**
 * The verbs of catalog, free of transport.
 */
export * from "./errors.ts";
export * from "./get-image.ts";
export * from "./get-product.ts";
export * from "./list-products.ts";
export * from "./page-token.ts";
export * from "./products.ts";
export * from "./record-stock.ts";
export * from "./search.ts";
export * from "./upload-product-image.ts";
export * from "./upsert-product.ts";
