/**
 * The shop serves its generated docs, and a GET endpoint answers exactly as openapi.json describes it:
 * the request built from the document's parameters, the answer checked against the document's schema.
 */

import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAs } from "../clients.ts";
import { DEV_ADMIN } from "../functions.ts";
import { createDocsHandler } from "./docs.ts";
import { type Shop, startShop } from "./start-shop.ts";

let shop: Shop;

// biome-ignore lint/suspicious/noExplicitAny: documents read back as JSON, checked by the assertions
type Json = any;
const json = async (response: Response): Promise<Json> => response.json();

beforeAll(async () => {
  shop = await startShop({ fallback: createDocsHandler(), logLevel: "silent" });
});

afterAll(async () => {
  await shop?.close();
});

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { const?: string; enum?: string[] };
  content?: Record<string, unknown>;
}

describe("the docs served by the shop", () => {
  it("serves openapi.json and the event catalogue", async () => {
    const openapi = await fetch(`${shop.url}/docs/openapi.json`);
    expect(openapi.status).toBe(200);
    expect((await json(openapi)).openapi).toBe("3.1.0");
    const markdown = await fetch(`${shop.url}/docs/events`);
    expect(await markdown.text()).toContain("## OrderPlaced");
    const asJson = await fetch(`${shop.url}/docs/events`, { headers: { accept: "application/json" } });
    expect((await json(asJson)).events.length).toBeGreaterThan(5);
  });

  it("answers a GET exactly as the document describes it", async () => {
    const admin = await loginAs(shop.url, DEV_ADMIN.email, DEV_ADMIN.password);
    const { product } = await admin.clients.catalog.upsertProduct({
      product: {
        name: "Doc Mug",
        category: "kitchen",
        price: { amountMinor: 1250n, currency: "EUR" },
        active: true,
      },
    });
    const openapi = await json(await fetch(`${shop.url}/docs/openapi.json`));
    const path = "/shop.catalog.v1.CatalogService/GetProduct";
    const operation = openapi.paths[path].get;

    const query = new URLSearchParams();
    for (const parameter of operation.parameters as Parameter[]) {
      if (parameter.in !== "query" || !parameter.required) continue;
      if (parameter.content?.["application/json"])
        query.set(parameter.name, JSON.stringify({ id: product!.id }));
      else if (parameter.schema?.const) query.set(parameter.name, parameter.schema.const);
      else if (parameter.schema?.enum?.includes("json")) query.set(parameter.name, "json");
      else throw new Error(`no value for required parameter ${parameter.name}`);
    }
    expect([...query.keys()].sort()).toEqual(["connect", "encoding", "message"]);
    const response = await fetch(`${shop.url}${path}?${query}`);
    expect(response.status).toBe(200);
    expect(Object.keys(operation.responses["200"].content)).toEqual([
      response.headers.get("content-type")?.split(";")[0],
    ]);
    const body = await json(response);

    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: "shop:openapi", components: openapi.components });
    const schema = operation.responses["200"].content["application/json"].schema.$ref;
    const validate = ajv.compile({ $ref: `shop:openapi${schema}` });
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(body.product).toMatchObject({ name: "Doc Mug", price: { amountMinor: "1250", currency: "EUR" } });

    const missing = await fetch(`${shop.url}${path}?${query.toString().replace(product!.id, "nope")}`);
    expect(missing.status).toBe(404);
    const error = await json(missing);
    const validateError = ajv.compile({
      $ref: `shop:openapi${operation.responses.default.content["application/json"].schema.$ref}`,
    });
    expect(validateError(error), JSON.stringify(validateError.errors)).toBe(true);
    expect(error.code).toBe("not_found");
  });
});
