// A real Zipkin (the `io.zipkin:zipkin-server` exec jar, in-memory storage) for local traces, without Docker.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { guard } from "./reaper.mjs";
import { freePort, runOk, since, tailFile, waitFor, which } from "./util.mjs";

export const ZIPKIN_VERSION = "3.6.1";
const READY_TIMEOUT_MS = 90_000;

/**
 * Downloads the Zipkin server's exec jar from Maven Central once, into
 * `${XDG_CACHE_HOME:-~/.cache}/shop/zipkin-<version>/` (atomic rename: concurrent first runs are safe).
 * @param {(line: string) => void} log
 * @returns {Promise<string>} the jar
 */
export async function zipkinJar(log) {
  const home = join(
    process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    "shop",
    `zipkin-${ZIPKIN_VERSION}`,
  );
  const jar = join(home, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
  if (existsSync(jar)) return jar;
  if (!which("mvn")) {
    throw new Error("infra/local needs Maven (`mvn`) to download Zipkin once: apt-get install maven");
  }
  mkdirSync(home, { recursive: true });
  const work = mkdtempSync(join(home, "download-"));
  const start = Date.now();
  log(`infra/local: downloading Zipkin ${ZIPKIN_VERSION} from Maven Central into ${home} (once)`);
  try {
    const goal = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy";
    const artifact = `-Dartifact=io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`;
    await runOk(
      "downloading Zipkin with mvn",
      "mvn",
      ["-q", "-B", goal, artifact, `-DoutputDirectory=${work}`],
      {
        cwd: work,
      },
    );
    if (!existsSync(jar)) renameSync(join(work, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`), jar);
    log(`infra/local: Zipkin ${ZIPKIN_VERSION} downloaded in ${since(start)}`);
    return jar;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Starts a throwaway Zipkin with in-memory storage on a free loopback port. Ready means `/health`
 * answers UP. Its spans go when it stops.
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{ url: string, spansEndpoint: string, stop: () => Promise<void> }>}
 *   `url`: the UI and API (`${url}/zipkin/`, `${url}/api/v2/...`); `spansEndpoint`: what
 *   OTEL_EXPORTER_ZIPKIN_ENDPOINT names.
 */
export async function startZipkin({ log = console.error } = {}) {
  const jar = await zipkinJar(log);
  const start = Date.now();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "shop-zipkin-"));
  const outFile = join(dir, "zipkin.out");
  const out = openSync(outFile, "a");
  const jvm = [
    "-Xmx256m",
    "-Xms64m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
  ];
  log(`infra/local: starting Zipkin ${ZIPKIN_VERSION} on 127.0.0.1:${port} (log in ${outFile})`);
  const child = spawn("java", [...jvm, "-jar", jar], {
    cwd: dir,
    stdio: ["ignore", out, out],
    // In-memory storage, its own spans not traced: a quiet, throwaway trace store. It keeps the latest
    // 100,000 spans (Zipkin's default, 500,000, does not fit the 256 MB heap: a load run with tracing on
    // made it run out of memory), about 4,000 orders' traces.
    env: {
      ...process.env,
      STORAGE_TYPE: "mem",
      MEM_MAX_SPANS: "100000",
      QUERY_PORT: String(port),
      SELF_TRACING_ENABLED: "false",
    },
  });
  closeSync(out);
  child.once("error", () => {});
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const release = guard(child.pid ? [{ kill: child.pid }, { rm: dir }] : [{ rm: dir }]);
  const url = `http://127.0.0.1:${port}`;

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
      release();
    })();
    return stopping;
  };
  try {
    await waitFor(
      `Zipkin on ${url} (log: ${outFile})`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `infra/local: Zipkin exited early (${child.exitCode ?? child.signalCode}):\n${tailFile(outFile)}`,
          );
        }
        const health = await fetch(`${url}/health`).catch(() => undefined);
        return health?.ok && (await health.json().catch(() => ({}))).status === "UP";
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250 },
    );
  } catch (error) {
    const message = error.message.includes("exited early")
      ? error.message
      : `${error.message}\n${tailFile(outFile)}`;
    await stop();
    throw new Error(message);
  }
  log(`infra/local: Zipkin ${ZIPKIN_VERSION} ready on ${url} in ${since(start)}`);
  return { url, spansEndpoint: `${url}/api/v2/spans`, stop };
}
