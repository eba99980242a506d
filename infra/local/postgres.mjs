// A throwaway PostgreSQL cluster for dev and tests, without Docker.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { guard } from "./reaper.mjs";
import { freePort, run, runOk, since, tailFile, which } from "./util.mjs";

const USER = "shop";
const DATABASE = "shop";

/**
 * Starts a fresh PostgreSQL cluster (trust auth, superuser `shop`, database `shop`) on a free
 * 127.0.0.1 port, with its data in a temp dir. Durability against a machine crash is switched off
 * (fsync, full pages): it is for tests only. Commits stay synchronous unless `synchronousCommit` is
 * false: with asynchronous commit a crash (`restart({ mode: "immediate" })`) loses transactions
 * that were already acknowledged, and their effects already seen (an outbox row published), which no
 * production Postgres does. When run as root, the cluster runs as the `postgres` OS user (initdb
 * refuses root).
 * @param {{ log?: (line: string) => void, synchronousCommit?: boolean }} [options]
 * `restart()` stops the server and starts it again on the same port and data dir (fault tests).
 * @returns {Promise<{ url: string, stop: () => Promise<void>, restart: (options?: { mode?: "fast" | "immediate", downMs?: number }) => Promise<void> }>}
 */
export async function startPostgres({ log = console.error, synchronousCommit = true } = {}) {
  const start = Date.now();
  const bin = findBinDir();
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  // As root, run the server tools as `postgres`: `runuser -u postgres -- initdb ...`.
  const runuser = owner && findRunuser();
  /** @type {(tool: string, args: string[]) => [string, string[]]} */
  const asOwner = (tool, args) =>
    runuser ? [runuser, ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];

  const dir = mkdtempSync(join(tmpdir(), "shop-pg-"));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, "data");
  const logFile = join(dir, "postgres.log");
  const options = { cwd: dir };
  let started = false;
  const [stopCmd, stopArgs] = asOwner("pg_ctl", ["stop", "-D", data, "-m", "immediate"]);
  const release = guard([{ run: [stopCmd, ...stopArgs] }, { rm: dir }]);

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      // postmaster.pid also exists when `pg_ctl start` gave up waiting but the server came up after all.
      if (existsSync(join(data, "postmaster.pid"))) {
        await run(...asOwner("pg_ctl", ["stop", "-D", data, "-m", "fast", "-w", "-t", "30"]), options);
      }
      rmSync(dir, { recursive: true, force: true });
      release();
    })();
    return stopping;
  };

  const serverOptions = (/** @type {number | undefined} */ port) =>
    [
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`,
      "-c fsync=off -c full_page_writes=off -c max_connections=300",
      `-c synchronous_commit=${synchronousCommit ? "on" : "off"}`,
      // pg_stat_statements (shipped with the server) lets `pnpm bench` count SQL statements per order.
      ...(statStatements ? ["-c shared_preload_libraries=pg_stat_statements"] : []),
    ].join(" ");

  const statStatements = hasStatStatements(bin);
  try {
    const initdb = ["-D", data, "-A", "trust", "-U", USER, "--no-sync", "-E", "UTF8", "--locale=C"];
    await runOk("initdb", ...asOwner("initdb", initdb), options);
    let port;
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      log(`infra/local: starting PostgreSQL on 127.0.0.1:${port} (data in ${dir})`);
      const args = ["start", "-w", "-t", "60", "-D", data, "-l", logFile, "-o", serverOptions(port)];
      const result = await run(...asOwner("pg_ctl", args), options);
      started = result.code === 0;
      if (started) break;
      const tail = tailFile(logFile);
      // Another process may grab the port between freePort() and the bind: retry with a new port.
      if (attempt < 3 && /could not bind|already in use/i.test(tail)) continue;
      throw new Error(
        `infra/local: PostgreSQL did not start (pg_ctl exit ${result.code}):\n${result.output}\n${tail}`,
      );
    }
    await runOk(
      "createdb",
      join(bin, "createdb"),
      ["-h", "127.0.0.1", "-p", String(port), "-U", USER, DATABASE],
      options,
    );
    const url = `postgres://${USER}@127.0.0.1:${port}/${DATABASE}`;
    log(`infra/local: PostgreSQL ready at ${url} in ${since(start)}`);
    /**
     * Stops the server and starts it again on the same port and data dir (fault tests). Mode
     * `immediate` is a crash (no shutdown checkpoint, crash recovery on start); `fast` a clean stop.
     * Either way every connection is cut. `downMs`: how long the server stays down (from the moment it
     * stopped) before it starts again, an outage of that length (default 0).
     * @param {{ mode?: "fast" | "immediate", downMs?: number }} [options]
     */
    const restart = async ({ mode = "fast", downMs = 0 } = {}) => {
      if (stopping) throw new Error("infra/local: PostgreSQL was stopped");
      const restartStart = Date.now();
      await runOk(
        "pg_ctl stop",
        ...asOwner("pg_ctl", ["stop", "-D", data, "-m", mode, "-w", "-t", "30"]),
        options,
      );
      if (downMs > 0) {
        log(`infra/local: PostgreSQL on 127.0.0.1:${port} stopped; starting it again in ${downMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, downMs));
      }
      if (stopping) throw new Error("infra/local: PostgreSQL was stopped");
      const args = ["start", "-w", "-t", "60", "-D", data, "-l", logFile, "-o", serverOptions(port)];
      await runOk("pg_ctl start", ...asOwner("pg_ctl", args), options);
      log(`infra/local: PostgreSQL restarted (${mode}) on 127.0.0.1:${port} in ${since(restartStart)}`);
    };
    return { url, stop, restart };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** PostgreSQL server binaries: PATH first, then the newest /usr/lib/postgresql/<version>/bin (Debian). */
function findBinDir() {
  const onPath = which("pg_ctl");
  // Follow symlinks (e.g. /usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl) to find createdb too.
  if (onPath && which("initdb")) return dirname(realpathSync(onPath));
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb")))
    : [];
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  if (versions.length === 0) {
    throw new Error(
      "infra/local needs the PostgreSQL server binaries (`initdb`, `pg_ctl`) to run Postgres: apt-get install postgresql",
    );
  }
  return join(root, versions[0], "bin");
}

/** `runuser` lives in /usr/sbin, which is not always on PATH. */
function findRunuser() {
  const found = which("runuser") ?? ["/usr/sbin/runuser", "/sbin/runuser"].find((file) => existsSync(file));
  if (!found) {
    throw new Error(
      "infra/local runs as root and needs `runuser` to run Postgres as `postgres`: apt-get install util-linux",
    );
  }
  return found;
}

/** uid/gid of the `postgres` OS user, which runs the cluster when we are root. */
function postgresUser() {
  const id = (flag) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const uid = id("-u");
  const gid = id("-g");
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      "infra/local runs as root, and initdb refuses to run as root: create a `postgres` OS user (apt-get install postgresql does) or run as a normal user",
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** True when the server in `bin` has the pg_stat_statements module (Debian: ../lib next to bin). */
function hasStatStatements(/** @type {string} */ bin) {
  const pkglib = spawnSync(join(bin, "pg_config"), ["--pkglibdir"], { encoding: "utf8" }).stdout?.trim();
  return [pkglib, join(dirname(bin), "lib")].some((d) => d && existsSync(join(d, "pg_stat_statements.so")));
}
