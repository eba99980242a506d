/**
 * catalog's Connect routes and who may call each method.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { catalogService } from "./rpc/catalog-service.ts";
import type { CatalogDeps } from "./setup.ts";

/** Who may call what: anyone may browse; only an administrator changes products. */
export const policy: AccessPolicy = {
  ListProducts: "anonymous",
  GetProduct: "anonymous",
  UpsertProduct: "admin",
  UploadProductImage: "admin",
};

/** The routes of catalog. */
export default function routes(router: ConnectRouter, deps: CatalogDeps, app: App): void {
  router.service(CatalogService, catalogService(deps, app));
}
