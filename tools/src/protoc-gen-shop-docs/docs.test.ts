/**
 * The generated docs (docs/gen, written by `pnpm generate` before the tests run) are a valid OpenAPI 3.1
 * document and an event catalogue that cover every RPC, every event and every Trigger.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Validator } from "@seriousme/openapi-schema-validator";
import { docsDir, knativeDir, loadManifests } from "@shop/platform";
import { files } from "@shop/schemas";
import { describe, expect, it } from "vitest";
import type { Catalogue } from "./events.ts";
import { eventsOf } from "./plugin.ts";

const read = (name: string) => JSON.parse(readFileSync(join(docsDir, name), "utf8"));
const openapi = read("openapi.json");
const catalogue: Catalogue = read("events.json");

const services = files.flatMap((file) => file.services);
const events = files
  .filter((file) => file.name.endsWith("/events"))
  .flatMap((file) => eventsOf(file.messages));

describe("openapi.json", () => {
  it("validates against the OpenAPI 3.1 schema", async () => {
    const validator = new Validator();
    const result = await validator.validate(openapi);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every RPC of every service, with GET for side-effect-free unary ones", () => {
    expect(services.length).toBeGreaterThanOrEqual(5);
    for (const service of services) {
      for (const method of service.methods) {
        const item = openapi.paths[`/${service.typeName}/${method.name}`];
        expect(item?.post, `${service.typeName}/${method.name}`).toBeDefined();
        const getable =
          method.methodKind === "unary" &&
          method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
        expect(Boolean(item.get), `GET ${method.name}`).toBe(getable);
        const media = method.methodKind === "unary" ? "application/json" : "application/connect+json";
        expect(item.post.requestBody.content[media].schema.$ref).toBe(
          `#/components/schemas/${method.input.typeName}`,
        );
      }
    }
  });

  it("takes descriptions from the proto comments and follows the JSON mapping", () => {
    const placeOrder = openapi.paths["/shop.orders.v1.OrderService/PlaceOrder"].post;
    expect(placeOrder.description).toMatch(/starts the purchase saga/);
    const schemas = openapi.components.schemas;
    expect(schemas["shop.common.v1.Money"].properties.amountMinor).toMatchObject({
      type: "string",
      format: "int64",
    });
    expect(schemas["shop.orders.v1.Order"].properties.createdAt).toMatchObject({ format: "date-time" });
    expect(schemas["shop.orders.v1.OrderStatus"].enum).toContain("ORDER_STATUS_CONFIRMED");
    expect(Object.keys(schemas["shop.promotions.v1.Promotion"].dependentSchemas)).toEqual([
      "percentOff",
      "amountOff",
      "freeShipping",
    ]);
    expect(openapi.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
    expect(schemas["connect.error"].required).toEqual(["code"]);
  });

  it("documents every event as a webhook and a schema", () => {
    for (const event of events) {
      expect(openapi.webhooks[event.typeName], event.typeName).toBeDefined();
      expect(openapi.components.schemas[event.typeName]["x-cloudevent-type"]).toBe(event.typeName);
    }
  });
});

describe("events.json", () => {
  it("lists every event with its producer, and nothing that is not one", () => {
    expect(catalogue.events.map((e) => e.type).sort()).toEqual(events.map((e) => e.typeName).sort());
    const placed = catalogue.events.find((e) => e.type === "shop.orders.v1.OrderPlaced")!;
    expect(placed).toMatchObject({ producer: "orders", source: "/functions/orders" });
    expect(placed.fields.map((f) => f.name)).toContain("order_id");
    expect(catalogue.types["shop.inventory.v1.ReservedLine"]).toBeDefined();
  });

  it("names as consumers exactly the Triggers of knative/", async () => {
    const { triggers } = await loadManifests(knativeDir);
    const fromCatalogue = catalogue.events
      .flatMap((e) => e.consumers.map((c) => `${c.trigger} → ${c.function} ← ${e.type}`))
      .sort();
    // A Trigger selects exact types, alone or any of several (one Trigger per subscriber).
    type Filters = (typeof triggers)[number]["filters"];
    const typesOf = (filters: Filters): string[] =>
      filters.flatMap((f) =>
        "exact" in f ? (f.exact.type ? [f.exact.type] : []) : "any" in f ? typesOf(f.any) : [],
      );
    const fromTriggers = triggers
      .flatMap((t) => typesOf(t.filters).map((type) => `${t.name} → ${t.subscriber.ref?.name} ← ${type}`))
      .sort();
    expect(fromCatalogue).toEqual(fromTriggers);
  });

  it("has a Markdown twin", () => {
    const markdown = readFileSync(join(docsDir, "events.md"), "utf8");
    for (const event of catalogue.events) expect(markdown).toContain(`## ${event.name}`);
  });
});
