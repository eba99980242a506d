/**
 * The audit log on PGlite: entries from AdminActionRecorded, each kept once however often it is
 * delivered; ListAuditEntries filtered and paged, for admins only; no way to change an entry.
 */
import { Code } from "@connectrpc/connect";
import { AuditService } from "@shop/schemas/audit/v1/audit";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { entries } from "../db/schema.ts";
import { type Audit, admin, adminAction, auditClient, customer, startAudit } from "../test-support.ts";

// Generous: other test files may be keeping this machine's cores busy.
vi.setConfig({ testTimeout: 30_000 });

/** The messages of the error `promise` is refused with and of its causes (drizzle wraps Postgres'). */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages.join(" / ");
}

let fn: Audit;
beforeAll(async () => {
  fn = await startAudit();
}, 120_000);
afterAll(() => fn.close());

describe("AdminActionRecorded", () => {
  it("is kept as an entry with who, what, when, before and after, and its source", async () => {
    const at = new Date("2026-12-01T10:00:00.123Z");
    const event = adminAction({
      action: "catalog.UpsertProduct",
      target: "kept-1",
      before: '{"name":"Old"}',
      after: '{"name":"New"}',
      at,
    });
    await expect(fn.receive(event)).resolves.toBe("handled");
    const { entries: listed } = await (await auditClient(fn, admin)).listAuditEntries({ target: "kept-1" });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: event.id,
      source: "/functions/catalog",
      actorId: "admin-1",
      action: "catalog.UpsertProduct",
      target: "kept-1",
      before: '{"name":"Old"}',
      after: '{"name":"New"}',
    });
    expect(listed[0]?.at?.seconds).toBe(BigInt(Math.floor(at.getTime() / 1000)));
  });

  it("redelivered, is stored once", async () => {
    const event = adminAction({ action: "inventory.SetStock", target: "twice-1" }, "/functions/inventory");
    await expect(fn.receive(event)).resolves.toBe("handled");
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    const { entries: listed } = await (await auditClient(fn, admin)).listAuditEntries({ target: "twice-1" });
    expect(listed.map((e) => e.id)).toEqual([event.id]);
    expect(await fn.app.db.$count(entries, eq(entries.target, "twice-1"))).toBe(1);
  });
});

describe("an entry cannot be changed", () => {
  it("refuses an UPDATE, a DELETE and a TRUNCATE in SQL, and leaves the entry as it was", async () => {
    await fn.receive(adminAction({ action: "promotions.EndPromotion", target: "fixed-1", after: '{"a":1}' }));
    const attempts = [
      sql`update ${entries} set after = '{"a":2}' where ${entries.target} = 'fixed-1'`,
      sql`delete from ${entries} where ${entries.target} = 'fixed-1'`,
      sql`truncate ${entries}`,
    ];
    for (const statement of attempts) {
      expect(await refusal(fn.app.db.execute(statement))).toMatch(/the audit log is append-only/);
    }
    const { entries: listed } = await (await auditClient(fn, admin)).listAuditEntries({ target: "fixed-1" });
    expect(listed.map((e) => e.after)).toEqual(['{"a":1}']);
  });

  it("has no RPC that writes", () => {
    expect(AuditService.methods.map((m) => m.name)).toEqual(["ListAuditEntries"]);
    expect(AuditService.methods.every((m) => m.idempotency === 1)).toBe(true);
  });
});

describe("ListAuditEntries", () => {
  it("pages newest first and filters by actor, action and target", async () => {
    const base = Date.parse("2026-11-30T12:00:00Z");
    for (let i = 0; i < 5; i++) {
      await fn.receive(
        adminAction({
          actorId: i % 2 === 0 ? "alice" : "bob",
          action: i < 3 ? "catalog.UpsertProduct" : "catalog.UploadProductImage",
          target: `paged-${i}`,
          at: new Date(base + i * 1000),
        }),
      );
    }
    const client = await auditClient(fn, admin);
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await client.listAuditEntries({ actorId: "alice", pageSize: 2, pageToken });
      seen.push(...page.entries.map((e) => e.target));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(["paged-4", "paged-2", "paged-0"]);
    const images = await client.listAuditEntries({ action: "catalog.UploadProductImage", actorId: "bob" });
    expect(images.entries.map((e) => e.target)).toEqual(["paged-3"]);
    const one = await client.listAuditEntries({ target: "paged-1" });
    expect(one.entries.map((e) => [e.actorId, e.action])).toEqual([["bob", "catalog.UpsertProduct"]]);
  });

  it("refuses a negative page size, a page token it did not make and an overlong filter, with a sentence", async () => {
    const client = await auditClient(fn, admin);
    await expect(client.listAuditEntries({ pageSize: -1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "The page size cannot be negative.",
    });
    for (const pageToken of ["nope", Buffer.from('{"at":"yesterday","id":"x"}').toString("base64url")]) {
      await expect(client.listAuditEntries({ pageToken })).rejects.toMatchObject({
        code: Code.InvalidArgument,
        rawMessage: "The page token is not valid. Please start again from the first page.",
      });
    }
    await expect(client.listAuditEntries({ action: "x".repeat(201) })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "The action filter can have at most 200 characters.",
    });
  });

  it("is for administrators only", async () => {
    await expect((await auditClient(fn, customer)).listAuditEntries({})).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: "Only an administrator may do this.",
    });
    await expect((await auditClient(fn)).listAuditEntries({})).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });
  });
});
