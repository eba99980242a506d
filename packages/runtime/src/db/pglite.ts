/**
 * How embedded mode opens PGlite: Postgres's defaults are sized for a server that has the machine to
 * itself, and in PGlite every byte of them is this process's (WebAssembly memory never shrinks).
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Logger } from "../logger.ts";
import { startTicker, type Ticker } from "../ticker.ts";

/**
 * Settings on top of PGlite's own start parameters, as `-c name=value`:
 * - shared_buffers 16MB (default 128MB): the buffers are WebAssembly memory, touched page by page as
 *   the database is read and never given back; the pages also stay in the filesystem below (in this
 *   process's memory without a data folder, in the OS page cache with one), so large buffers only
 *   hold them twice.
 * - max_wal_size 64MB, min_wal_size 32MB (defaults 1GB and 80MB): the single-user backend checkpoints
 *   only when the WAL reaches max_wal_size, and without a data folder every WAL segment (16MB each)
 *   is a file in this process's memory: with the default, a long run kept up to 1GB of WAL.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "16MB",
  max_wal_size: "64MB",
  min_wal_size: "32MB",
};

/** Opens PGlite in `dataDir` (in memory when undefined) with {@link PGLITE_SETTINGS}. */
export async function openPGlite(dataDir?: string): Promise<PGlite> {
  const { PGlite } = await import("@electric-sql/pglite");
  const settings = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  return new PGlite({
    ...(dataDir ? { dataDir } : {}),
    startParams: [...PGlite.defaultStartParams, ...settings],
  });
}

/**
 * How often embedded mode vacuums: PGlite is Postgres's single-user backend, which starts no
 * autovacuum, so without this the rows every update and delete leaves behind (the outbox's, the
 * orders' state changes) stayed in the tables for good, and in memory the database only grew.
 */
export const VACUUM_INTERVAL_MS = 60_000;

/** Runs `VACUUM` on `pglite` every `intervalMs`, one run at a time (see {@link VACUUM_INTERVAL_MS}). */
export function startVacuum(pglite: PGlite, logger: Logger, intervalMs = VACUUM_INTERVAL_MS): Ticker {
  // Plain VACUUM (not FULL): it frees dead rows for reuse without locking anyone out for long, and
  // skips the pages the visibility map says hold none, so a run costs what changed since the last.
  return startTicker(async () => void (await pglite.exec("vacuum")), intervalMs, logger);
}
