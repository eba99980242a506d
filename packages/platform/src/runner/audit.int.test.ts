/**
 * The audit trail on real Kafka and real Postgres, wired by the Triggers of knative/: an admin's
 * UpsertProduct in catalog emits AdminActionRecorded through catalog's outbox; the runner delivers it
 * to audit through audit's Trigger, where an admin reads it with ListAuditEntries. The same event
 * delivered again is stored once, and Postgres refuses to change the entry.
 */
import { createServer, type Server } from "node:http";
import { auditFunction } from "@shop/audit/function";
import { catalogFunction } from "@shop/catalog/function";
import {
  createLogger,
  type EventLog,
  type FunctionDefinition,
  fromKafkaRecord,
  type LogRecord,
  type Principal,
  type RunningFunction,
  type Subscription,
  startFunction,
} from "@shop/runtime";
import {
  createTestDatabase,
  sampleValue,
  testClient,
  testEventIssuer,
  testTopic,
  waitFor,
} from "@shop/runtime/testing";
import { AuditService } from "@shop/schemas/audit/v1/audit";
import { CatalogService } from "@shop/schemas/catalog/v1/catalog";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createKafkaLog } from "../log/kafka-log.ts";
import { knativeDir } from "../paths.ts";
import { type Runner, startRunner } from "./runner.ts";

const ADMIN: Principal = { userId: "admin-int", role: "admin" };

describe("the audit trail on real Kafka and Postgres, through audit's Trigger", { timeout: 90_000 }, () => {
  const topic = testTopic("audit");
  const dlqTopic = testTopic("audit-dlq");
  const seen: LogRecord[] = [];
  let log: EventLog;
  let catalog: RunningFunction;
  let audit: RunningFunction;
  let runner: Runner;
  let reader: Subscription;
  // Every other subscriber of the Triggers (orders takes ProductChanged) answers 202.
  let elsewhere: Server;

  beforeAll(async () => {
    const issuer = await testEventIssuer();
    log = createKafkaLog({ brokers: [inject("kafkaBrokers")], clientId: "audit-int-test" });
    await log.ensureTopics([topic, dlqTopic]);
    const start = async (definition: FunctionDefinition) =>
      startFunction(definition, {
        logger: createLogger(definition.name, "warn"),
        eventAuth: { issuer: issuer.issuer, keys: issuer.keys },
        config: {
          database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) },
          kafkaBrokers: [inject("kafkaBrokers")],
          eventsTopic: topic,
          port: 0,
        },
      });
    [catalog, audit] = await Promise.all([start(catalogFunction), start(auditFunction)]);
    elsewhere = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(202).end());
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    const elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`;
    runner = await startRunner({
      log,
      knativeDir,
      tokens: issuer,
      topicOverride: topic,
      dlqTopic,
      resolveSubscriber: (ref) =>
        ref.name === "audit"
          ? (audit.url ?? "")
          : ref.name === "catalog"
            ? (catalog.url ?? "")
            : elsewhereUrl,
    });
    reader = await log.subscribe({
      groupId: `audit-reader-${topic}`,
      topic,
      ordered: true,
      fromBeginning: true,
      handler: async (record) => void seen.push(record),
    });
  });

  afterAll(async () => {
    await reader?.close();
    await runner?.close();
    await Promise.all([catalog?.close(), audit?.close()]);
    await log?.close();
    elsewhere?.close();
  });

  it("records an admin's UpsertProduct once, readable by admins, unchangeable in SQL", async () => {
    const admins = await testClient(catalog, CatalogService, { principal: ADMIN });
    await admins.upsertProduct({
      product: {
        id: "int-lamp",
        name: "Lamp",
        category: "home",
        price: { amountMinor: 1999n, currency: "EUR" },
      },
    });
    const auditors = await testClient(audit, AuditService, { principal: ADMIN });
    const [entry] = await waitFor(
      async () => {
        const { entries } = await auditors.listAuditEntries({ target: "int-lamp" });
        return entries.length > 0 && entries;
      },
      { message: "the audit entry of UpsertProduct in ListAuditEntries", timeoutMs: 60_000 },
    );
    expect(entry).toMatchObject({
      actorId: "admin-int",
      action: "catalog.UpsertProduct",
      target: "int-lamp",
      source: "/functions/catalog",
      before: "",
    });
    expect(JSON.parse(entry?.after ?? "")).toMatchObject({ name: "Lamp", price: { amountMinor: "1999" } });

    // The broker delivering the same event again (a retry after a lost answer) changes nothing.
    const record = seen.find((r) => fromKafkaRecord(r).id === entry?.id);
    expect(record).toBeDefined();
    await log.publish(topic, [record!]);
    await waitFor(
      async () =>
        sampleValue(await audit.metrics.registry.metrics(), "shop_events_total", {
          type: "shop.audit.v1.AdminActionRecorded",
          outcome: "duplicate",
        }) >= 1,
      { message: "the redelivery answered as a duplicate", timeoutMs: 60_000 },
    );
    expect((await auditors.listAuditEntries({ target: "int-lamp" })).entries).toHaveLength(1);

    // Not even the function's own database role can edit the log.
    const refused = await audit.app.db
      .execute(sql`update audit.entries set after = '{}' where target = 'int-lamp'`)
      .then(
        () => "updated",
        (error: Error) => `${error.message} / ${(error.cause as Error | undefined)?.message}`,
      );
    expect(refused).toMatch(/the audit log is append-only/);
    expect(
      JSON.parse((await auditors.listAuditEntries({ target: "int-lamp" })).entries[0]?.after ?? ""),
    ).toMatchObject({ name: "Lamp" });
  });
});
