/**
 * Reading endpoints and their delivery log, as an admin sees them.
 */
import type { Db } from "@shop/runtime";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { deliveries, endpoints, type StoredDelivery, type StoredEndpoint } from "../db/schema.ts";
import { endpointNotFound, invalidRequest } from "./errors.ts";

/** Every endpoint, newest first. */
export async function listEndpoints(db: Db): Promise<StoredEndpoint[]> {
  return db.select().from(endpoints).orderBy(desc(endpoints.createdAt), desc(endpoints.id));
}

/** One endpoint; NotFound when there is none. */
export async function getEndpoint(db: Db, { id }: { id: string }): Promise<StoredEndpoint> {
  const [endpoint] = await db.select().from(endpoints).where(eq(endpoints.id, id));
  if (!endpoint) throw endpointNotFound(id);
  return endpoint;
}

/** A page of an endpoint's delivery log, newest first, and the token of the next page ("" on the last). */
export interface DeliveryPage {
  deliveries: StoredDelivery[];
  nextPageToken: string;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

/** The deliveries of an endpoint, `pageSize` at a time after `pageToken`. */
export async function listDeliveries(
  db: Db,
  input: { endpointId: string; pageSize: number; pageToken: string },
): Promise<DeliveryPage> {
  await getEndpoint(db, { id: input.endpointId });
  if (input.pageSize < 0 || input.pageSize > MAX_PAGE) {
    throw invalidRequest(`A page holds 1 to ${MAX_PAGE} deliveries, not ${input.pageSize}.`);
  }
  const size = input.pageSize || DEFAULT_PAGE;
  const after = input.pageToken ? pageCursor(input.pageToken) : undefined;
  const rows = await db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.endpointId, input.endpointId),
        after
          ? or(
              lt(deliveries.createdAt, after.createdAt),
              and(eq(deliveries.createdAt, after.createdAt), lt(deliveries.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(size + 1);
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return {
    deliveries: page,
    nextPageToken: rows.length > size && last ? `${last.createdAt.toISOString()}|${last.id}` : "",
  };
}

function pageCursor(token: string): { createdAt: Date; id: string } {
  const [at, id] = token.split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw invalidRequest("The page token is not one this service gave out.");
  }
  return { createdAt, id };
}
