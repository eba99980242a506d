/**
 * Database access: drizzle-orm over postgres.js (real mode) or PGlite (embedded mode), with the
 * same schema and migrations. Each function owns one Postgres schema and its migrations table.
 */
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { DatabaseConfig } from "../config.ts";
import { openPGlite } from "./pglite.ts";

/** A drizzle database or transaction of either driver. Verbs take this. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/** An open database of one function. */
export interface Database {
  db: Db;
  /** Applies the function's migrations (idempotent; serialised across processes by an advisory lock). */
  migrate(): Promise<void>;
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  config: DatabaseConfig;
  /** The function's Postgres schema; its migrations table is `drizzle.<schema>_migrations`. */
  schema: string;
  migrationsFolder: string;
  /** Connections in the pool (real mode). */
  max?: number;
  /** An already open PGlite (embedded mode shares one between functions). */
  pglite?: PGlite;
}

/** Opens a function's database. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrationOptions = {
    migrationsFolder: options.migrationsFolder,
    // drizzle's migrator creates its schema before running the SQL that creates the function's own
    // schema, so the migration records live in `drizzle`, in one table per function.
    migrationsSchema: "drizzle",
    migrationsTable: `${options.schema}_migrations`,
  };
  if (options.config.kind === "postgres") {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const url = options.config.url;
    const clientOptions = {
      onnotice: () => {},
      // postgres.js fetches the array types on each new connection, and a failure of that query (the
      // connection reset while Postgres restarts) is an unhandled rejection that ends the process.
      // drizzle encodes and parses array columns itself, so the fetched types are never needed.
      fetch_types: false,
    };
    const client = postgres(url, {
      ...clientOptions,
      max: options.max ?? 10,
      connection: { application_name: options.schema },
    });
    const db = drizzle({ client });
    return {
      db: db as unknown as Db,
      async migrate() {
        // Replicas starting together must not apply the same migration twice: a session advisory
        // lock on a one-connection client serialises them.
        const single = postgres(url, { ...clientOptions, max: 1 });
        try {
          // One lock for every function: they also share the `drizzle` schema of the migration records.
          await single`select pg_advisory_lock(hashtext('shop migrations'))`;
          await migrate(drizzle({ client: single }), migrationOptions);
        } finally {
          await single.end({ timeout: 5 });
        }
      },
      ping: () => ping(db as unknown as Db),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const owned = !options.pglite;
  const client = options.pglite ?? (await openPGlite(options.config.dataDir));
  const db = drizzle({ client });
  return {
    db: db as unknown as Db,
    migrate: () => migrate(db, migrationOptions),
    ping: () => ping(db as unknown as Db),
    close: async () => {
      if (owned) await client.close();
    },
  };
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
