import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.ts";
import { openPGlite, startVacuum } from "./pglite.ts";

describe("openPGlite", () => {
  it("bounds the memory Postgres may take in the process: small shared buffers, a short WAL", async () => {
    const pglite = await openPGlite();
    try {
      const { rows } = await pglite.query<{ name: string; setting: string; unit: string | null }>(
        `select name, setting, unit from pg_settings
         where name in ('shared_buffers', 'max_wal_size', 'min_wal_size') order by name`,
      );
      expect(rows).toEqual([
        { name: "max_wal_size", setting: "64", unit: "MB" },
        { name: "min_wal_size", setting: "32", unit: "MB" },
        // In 8kB pages: 16MB.
        { name: "shared_buffers", setting: "2048", unit: "8kB" },
      ]);
      // PGlite's own start parameters still hold (its search_path among them).
      const { rows: path } = await pglite.query<{ search_path: string }>("show search_path");
      expect(path[0]?.search_path).toBe("public");
    } finally {
      await pglite.close();
    }
  });

  it("vacuums on its own: the table a queue churns through stops growing", async () => {
    const pglite = await openPGlite();
    const vacuum = startVacuum(pglite, createLogger("test", "silent"), 0);
    try {
      await pglite.exec("create table queue (id serial primary key, body text not null)");
      // Each round adds and removes as many rows as an outbox does; the table's size after it.
      const round = async () => {
        await pglite.exec(
          "insert into queue (body) select repeat('x', 200) from generate_series(1, 5000); delete from queue",
        );
        const { rows } = await pglite.query<{ bytes: number }>(
          "select pg_relation_size('queue')::int as bytes",
        );
        return rows[0]!.bytes;
      };
      const first = await round();
      // Without a vacuum the single-user backend never reclaims the dead rows: the table doubles.
      expect(await round()).toBeGreaterThan(first * 1.5);
      await vacuum.tick();
      const vacuumed = await round();
      await vacuum.tick();
      expect(await round()).toBeLessThanOrEqual(vacuumed);
    } finally {
      await vacuum.close();
      await pglite.close();
    }
  });
});
