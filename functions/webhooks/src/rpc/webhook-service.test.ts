import { toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { envSecretStore, type RunningFunction } from "@shop/runtime";
import { publishedEvents, startForTest, waitFor } from "@shop/runtime/testing";
import { DeliveryStatus, EndpointSchema, PayloadFormat } from "@shop/schemas/webhooks/v1/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhooksConfig } from "../config.ts";
import { webhooksFunction } from "../function.ts";
import type { WebhooksDeps } from "../setup.ts";
import { ADMIN, CUSTOMER, orderPlaced, startEndpoint, webhookClient } from "../test-support.ts";
import { secretPath } from "../webhooks/index.ts";

async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string } | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    const { code, rawMessage } = ConnectError.from(error);
    return { code, message: rawMessage };
  }
}

// Names resolve only through this table: a registration test never reaches DNS or the address.
const asked: string[] = [];
const resolve = async (host: string) => {
  asked.push(host);
  if (host === "metadata.partner.example") return [{ address: "169.254.169.254", family: 4 }];
  throw new Error(`ENOTFOUND ${host}`);
};

describe("WebhookService", () => {
  let fn: RunningFunction<WebhooksConfig, WebhooksDeps>;
  let admin: Awaited<ReturnType<typeof webhookClient>>;
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  beforeAll(async () => {
    endpoint = await startEndpoint();
    fn = await startForTest(webhooksFunction, { settings: { allowHosts: [endpoint.host] } });
    // The sender checks with the same policy: loopback literals never reach the resolver.
    fn.deps.policy.resolve = resolve;
    admin = await webhookClient(fn, ADMIN);
  });
  afterAll(async () => {
    await fn.close();
    await endpoint.close();
  });

  const register = (more: { eventTypes?: string[]; format?: PayloadFormat } = {}) =>
    admin.createEndpoint({
      url: endpoint.url,
      eventTypes: more.eventTypes ?? ["shop.orders.v1.OrderPlaced"],
      format: more.format ?? PayloadFormat.PROTOBUF,
      description: "Partner ERP",
    });

  it("is for admins only: a customer is refused every method, an anonymous caller must log in", async () => {
    const customer = await webhookClient(fn, CUSTOMER);
    const anonymous = await webhookClient(fn);
    const id = "00000000-0000-4000-8000-000000000000";
    const calls = (client: typeof admin) => [
      () =>
        client.createEndpoint({ url: endpoint.url, eventTypes: ["shop.orders.v1.OrderPlaced"], format: 1 }),
      () => client.listEndpoints({}),
      () => client.getEndpoint({ id }),
      () => client.updateEndpoint({ id }),
      () => client.enableEndpoint({ id }),
      () => client.deleteEndpoint({ id }),
      () => client.rotateSecret({ id }),
      () => client.listDeliveries({ endpointId: id }),
      () => client.redeliverDelivery({ id }),
    ];
    for (const call of calls(customer)) expect((await refusal(call()))?.code).toBe(Code.PermissionDenied);
    for (const call of calls(anonymous)) expect((await refusal(call()))?.code).toBe(Code.Unauthenticated);
    expect((await admin.listEndpoints({})).endpoints).toEqual([]);
  });

  it("refuses the metadata service and private addresses with a sentence, sending nothing there", async () => {
    const at = (url: string) =>
      refusal(admin.createEndpoint({ url, eventTypes: ["shop.orders.v1.OrderPlaced"], format: 1 }));
    expect(await at("http://169.254.169.254/")).toEqual({
      code: Code.InvalidArgument,
      message:
        "The endpoint URL http://169.254.169.254 must use https; plain http is only for allow-listed hosts.",
    });
    expect(await at("http://10.0.0.1/")).toEqual({
      code: Code.InvalidArgument,
      message: "The endpoint URL http://10.0.0.1 must use https; plain http is only for allow-listed hosts.",
    });
    expect(await at("https://10.0.0.1/")).toEqual({
      code: Code.InvalidArgument,
      message:
        "The endpoint https://10.0.0.1 is refused: it is a private address, which webhooks may not reach.",
    });
    expect((await at("https://metadata.partner.example/"))?.message).toBe(
      "The endpoint https://metadata.partner.example is refused: metadata.partner.example resolves to 169.254.169.254, a link-local address, which webhooks may not reach.",
    );
    expect(asked).toEqual(["metadata.partner.example"]);
    expect((await admin.listEndpoints({})).endpoints).toEqual([]);
  });

  it("refuses bad input with InvalidArgument and a sentence, and unknown ids with NotFound", async () => {
    const bad = (eventTypes: string[], format: PayloadFormat, url = endpoint.url) =>
      refusal(admin.createEndpoint({ url, eventTypes, format }));
    expect(await bad([], PayloadFormat.JSON)).toEqual({
      code: Code.InvalidArgument,
      message: "An endpoint needs at least one event type.",
    });
    expect(await bad(["orders"], PayloadFormat.JSON)).toEqual({
      code: Code.InvalidArgument,
      message: '"orders" is not an event type: name a message in full, like shop.orders.v1.OrderPlaced.',
    });
    expect(await bad(["shop.orders.v1.OrderPlaced"], PayloadFormat.UNSPECIFIED)).toEqual({
      code: Code.InvalidArgument,
      message: "An endpoint needs a format: PAYLOAD_FORMAT_PROTOBUF or PAYLOAD_FORMAT_JSON.",
    });
    expect(await bad(["shop.orders.v1.OrderPlaced"], PayloadFormat.JSON, "")).toEqual({
      code: Code.InvalidArgument,
      message: "An endpoint needs a URL.",
    });
    expect(await refusal(admin.getEndpoint({ id: "e-1" }))).toEqual({
      code: Code.InvalidArgument,
      message: '"e-1" is not an endpoint id.',
    });
    expect(await refusal(admin.getEndpoint({ id: "00000000-0000-4000-8000-000000000000" }))).toEqual({
      code: Code.NotFound,
      message: "There is no webhook endpoint 00000000-0000-4000-8000-000000000000.",
    });
    const { endpoint: created } = await register();
    expect(await refusal(admin.listDeliveries({ endpointId: created!.id, pageSize: 500 }))).toEqual({
      code: Code.InvalidArgument,
      message: "A page holds 1 to 200 deliveries, not 500.",
    });
    expect(await refusal(admin.listDeliveries({ endpointId: created!.id, pageToken: "nonsense" }))).toEqual({
      code: Code.InvalidArgument,
      message: "The page token is not one this service gave out.",
    });
    await admin.deleteEndpoint({ id: created!.id });
  });

  it("shows the secret once, keeps it in the secret store and only its path in the database", async () => {
    const { endpoint: created, secret } = await register();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url: endpoint.url, enabled: true, description: "Partner ERP" });
    expect((await fn.app.secrets.read(secretPath(created!.id)))?.secret).toBe(secret);
    const { endpoint: shown } = await admin.getEndpoint({ id: created!.id });
    expect(toJsonString(EndpointSchema, shown!)).not.toContain(secret.slice(6));
    const { secret: rotated } = await admin.rotateSecret({ id: created!.id });
    expect(rotated).not.toBe(secret);
    expect((await fn.app.secrets.read(secretPath(created!.id)))?.secret).toBe(rotated);
    const { endpoint: updated } = await admin.updateEndpoint({
      id: created!.id,
      eventTypes: ["shop.orders.v1.OrderCancelled"],
      format: PayloadFormat.JSON,
      description: "",
    });
    expect(updated).toMatchObject({
      eventTypes: ["shop.orders.v1.OrderCancelled"],
      format: PayloadFormat.JSON,
      description: "",
    });
    await admin.deleteEndpoint({ id: created!.id });
    expect((await refusal(admin.getEndpoint({ id: created!.id })))?.code).toBe(Code.NotFound);
    // Every change is in the audit log, keyed by the endpoint, and neither secret is anywhere in it.
    const audit = (await publishedEvents(fn)).filter(
      (e) => e.event.type === "shop.audit.v1.AdminActionRecorded" && e.event.partitionkey === created!.id,
    );
    expect(audit.map((e) => (e.message as unknown as { action: string }).action)).toEqual([
      "webhooks.CreateEndpoint",
      "webhooks.RotateSecret",
      "webhooks.UpdateEndpoint",
      "webhooks.DeleteEndpoint",
    ]);
    const logged = audit
      .map((e) => e.message as unknown as { before: string; after: string })
      .map((m) => m.before + m.after)
      .join("\n");
    expect(logged).not.toContain(secret.slice(6));
    expect(logged).not.toContain(rotated.slice(6));
  });

  it("ignores at once an event no enabled endpoint asks for, and takes it from the moment one does", async () => {
    const event = orderPlaced("o-unwanted");
    expect(await fn.receive(event)).toBe("ignored");
    const { endpoint: created } = await register();
    expect(await fn.receive(orderPlaced("o-wanted"))).toBe("handled");
    await admin.deleteEndpoint({ id: created!.id });
    expect(await fn.receive(orderPlaced("o-unwanted-again"))).toBe("ignored");
  });

  it("delivers an event once however often it arrives, and redelivers it on an admin's word", async () => {
    const { endpoint: created } = await register();
    const event = orderPlaced("o-twice");
    expect(await fn.receive(event)).toBe("handled");
    expect(await fn.receive(event)).toBe("handled");
    await fn.tick();
    const { deliveries } = await admin.listDeliveries({ endpointId: created!.id });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      eventId: event.id,
      status: DeliveryStatus.DELIVERED,
      attempts: 1,
      lastStatusCode: 204,
    });
    expect(endpoint.hits.filter((h) => h.headers["ce-id"] === event.id)).toHaveLength(1);

    const { delivery } = await admin.redeliverDelivery({ id: deliveries[0]!.id });
    expect(delivery?.status).toBe(DeliveryStatus.PENDING);
    await waitFor(() => endpoint.hits.filter((h) => h.headers["ce-id"] === event.id).length === 2, {
      message: "the redelivery",
    });
    const hits = endpoint.hits.filter((h) => h.headers["ce-id"] === event.id);
    // The same webhook-id both times: a receiver deduplicates by it.
    expect(hits.map((h) => h.headers["webhook-id"])).toEqual([deliveries[0]!.id, deliveries[0]!.id]);
    await admin.deleteEndpoint({ id: created!.id });
  });

  it("disables an endpoint that answers 410 Gone at once, and tells an admin", async () => {
    const gone = await startEndpoint(() => 410);
    fn.deps.policy.allowHosts = [...fn.deps.policy.allowHosts, gone.host];
    try {
      const { endpoint: created } = await admin.createEndpoint({
        url: gone.url,
        eventTypes: ["shop.orders.v1.OrderPlaced"],
        format: PayloadFormat.JSON,
      });
      await fn.receive(orderPlaced("o-gone"));
      await fn.tick();
      const { endpoint: after } = await admin.getEndpoint({ id: created!.id });
      expect(after).toMatchObject({
        enabled: false,
        disabledReason: "the endpoint answered 410 Gone: it asked for no more deliveries",
      });
      expect(gone.hits).toHaveLength(1);
      const told = (await publishedEvents(fn)).filter(
        (e) => e.event.type === "shop.webhooks.v1.WebhookEndpointDisabled",
      );
      expect(told.map((e) => e.message)).toMatchObject([{ endpointId: created!.id, lastStatusCode: 410 }]);
      // Disabled: new events make no delivery; enabled again, they do.
      await fn.receive(orderPlaced("o-after-gone"));
      expect((await admin.listDeliveries({ endpointId: created!.id })).deliveries).toHaveLength(1);
      await admin.enableEndpoint({ id: created!.id });
      await fn.receive(orderPlaced("o-enabled"));
      expect((await admin.listDeliveries({ endpointId: created!.id })).deliveries).toHaveLength(2);
      await admin.deleteEndpoint({ id: created!.id });
    } finally {
      await gone.close();
    }
  });

  it("refuses to register while the secret store cannot keep secrets, leaving no endpoint behind", async () => {
    // A store that only reads, as a production run without Vault has (the dev store, less its write).
    const { write: _write, ...readOnly } = envSecretStore({});
    const strict = await startForTest(webhooksFunction, {
      secrets: readOnly,
      settings: { allowHosts: [endpoint.host] },
    });
    try {
      const client = await webhookClient(strict, ADMIN);
      expect(
        await refusal(
          client.createEndpoint({ url: endpoint.url, eventTypes: ["shop.orders.v1.OrderPlaced"], format: 1 }),
        ),
      ).toEqual({
        code: Code.FailedPrecondition,
        message:
          "The secret store of webhooks cannot write, so no signing secret can be kept; configure Vault.",
      });
      expect((await client.listEndpoints({})).endpoints).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
