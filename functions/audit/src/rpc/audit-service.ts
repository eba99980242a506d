/**
 * AuditService over Connect: converts the request, calls the read, converts the result. Read only.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { App } from "@shop/runtime";
import { type AuditService, ListAuditEntriesResponseSchema } from "@shop/schemas/audit/v1/audit";
import { listEntries } from "../audit/index.ts";

/** The AuditService over `app`'s database (admin only, see connect.ts). */
export function auditService(app: Pick<App, "db">): ServiceImpl<typeof AuditService> {
  return {
    async listAuditEntries(request) {
      const page = await listEntries(app.db, request);
      return create(ListAuditEntriesResponseSchema, {
        entries: page.entries.map((entry) => ({ ...entry, at: timestampFromDate(entry.at) })),
        nextPageToken: page.nextPageToken,
      });
    },
  };
}
