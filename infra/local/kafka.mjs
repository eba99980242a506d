// A real single-node Apache Kafka (KRaft, combined broker+controller) for dev and tests, without Docker.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KAFKA_VERSION, kafkaLibs } from "./kafka-libs.mjs";
import { guard } from "./reaper.mjs";
import { freePort, runOk, since, tailFile, waitFor } from "./util.mjs";

export { KAFKA_VERSION };

const READY_TIMEOUT_MS = 90_000;

/**
 * Starts a throwaway single-node Kafka on free loopback ports; its data lives in a fresh temp dir.
 * The jars are fetched from Maven Central once into `${XDG_CACHE_HOME:-~/.cache}/shop/kafka-<version>/libs`.
 * Ready means the broker answered a Metadata request listing itself (i.e. it is started and unfenced).
 * @param {{ log?: (line: string) => void }} [options]
 * `restart()` stops the broker and starts it again on the same ports and data dir (fault tests).
 * @returns {Promise<{ brokers: string, stop: () => Promise<void>, restart: (options?: { signal?: "SIGTERM" | "SIGKILL", downMs?: number }) => Promise<void> }>}
 */
export async function startKafka({ log = console.error } = {}) {
  requireJava();
  const libs = await kafkaLibs(log);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBroker(libs, log);
    } catch (error) {
      // Another process may grab a port between freePort() and the bind: retry with new ports.
      if (attempt >= 3 || !error.portTaken) throw error;
      log("infra/local: Kafka port was taken meanwhile, retrying with new ports");
    }
  }
}

function requireJava() {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  const major = Number(/version "(?:1\.)?(\d+)/.exec(result.stderr ?? "")?.[1]);
  if (result.error || !(major >= 17)) {
    throw new Error(
      "infra/local needs Java 17+ (`java`) to run Kafka: apt-get install openjdk-17-jre-headless",
    );
  }
}

/** Kafka wants a cluster id that is a base64url-encoded 16-byte UUID (22 chars, must not start with "-"). */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

async function startBroker(libs, log) {
  const start = Date.now();
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), "shop-kafka-"));
  const logFile = join(dir, "kafka.log");
  const outFile = join(dir, "kafka.out");
  const properties = join(dir, "server.properties");
  writeFileSync(properties, serverProperties(dir, port, controllerPort));
  writeFileSync(join(dir, "log4j2.properties"), log4j2Properties(logFile));
  const tail = () => [tailFile(logFile), tailFile(outFile)].filter(Boolean).join("\n");
  const log4j = `-Dlog4j2.configurationFile=${join(dir, "log4j2.properties")}`;
  const java = (main, ...args) => [log4j, "-cp", join(libs, "*"), main, ...args];
  log(`infra/local: starting Kafka ${KAFKA_VERSION} on 127.0.0.1:${port} (data in ${dir})`);
  try {
    const format = java("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", properties);
    await runOk("formatting Kafka storage", "java", format);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const jvm = ["-Xmx512m", "-Xms256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"];
  // One broker process on the data dir; restart() replaces it with another on the same ports and data.
  const launch = () => {
    const out = openSync(outFile, "a");
    const child = spawn("java", [...jvm, ...java("kafka.Kafka", properties)], {
      cwd: dir,
      stdio: ["ignore", out, out],
    });
    closeSync(out);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.once("error", () => {}); // surfaces as an early exit below
    const release = guard(child.pid ? [{ kill: child.pid }, { rm: dir }] : [{ rm: dir }]);
    return { child, exited, release };
  };
  let broker = launch();

  /** Stops the broker process (SIGTERM, SIGKILL after 15 s); the data dir stays. */
  const halt = async () => {
    const { child, exited } = broker;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      let timer;
      const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 15_000, "timeout")));
      const outcome = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        child.kill("SIGKILL");
        await exited;
      }
    }
  };

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
      broker.release();
    })();
    return stopping;
  };

  const ready = () =>
    waitFor(
      `Kafka on 127.0.0.1:${port} (log: ${logFile})`,
      async () => {
        const { child } = broker;
        if (child.exitCode !== null || child.signalCode !== null) {
          const error = new Error(
            `infra/local: Kafka exited early (${child.exitCode ?? child.signalCode}):\n${tail()}`,
          );
          portTaken = tailFile(logFile, 1000).includes("BindException");
          throw error;
        }
        return brokerListed(port);
      },
      { timeoutMs: READY_TIMEOUT_MS },
    );

  /**
   * Stops the broker and starts it again on the same ports and data dir (fault tests): clients see
   * the broker go away and come back with every topic, offset and committed group as it was.
   * @param {{ signal?: "SIGTERM" | "SIGKILL", downMs?: number }} [options] SIGKILL: a crash instead of
   * a clean shutdown. `downMs`: how long the broker stays down (from the moment it stopped) before it
   * starts again, an outage of that length (default 0).
   */
  const restart = async ({ signal = "SIGTERM", downMs = 0 } = {}) => {
    if (stopping) throw new Error("infra/local: Kafka was stopped");
    const restartStart = Date.now();
    if (signal === "SIGKILL") broker.child.kill("SIGKILL");
    await halt();
    broker.release();
    if (downMs > 0) {
      log(`infra/local: Kafka on 127.0.0.1:${port} stopped; starting it again in ${downMs} ms`);
      // While no broker runs, the data dir is still removed if this process dies.
      const down = guard([{ rm: dir }]);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      down();
    }
    if (stopping) throw new Error("infra/local: Kafka was stopped");
    broker = launch();
    await ready();
    log(`infra/local: Kafka restarted (${signal}) on 127.0.0.1:${port} in ${since(restartStart)}`);
  };

  let portTaken = false;
  try {
    await ready();
  } catch (error) {
    const message = error.message.includes("exited early") ? error.message : `${error.message}\n${tail()}`;
    await stop();
    throw Object.assign(new Error(message), { portTaken });
  }
  log(`infra/local: Kafka ${KAFKA_VERSION} ready on 127.0.0.1:${port} in ${since(start)}`);
  return { brokers: `127.0.0.1:${port}`, stop, restart };
}

/**
 * The broker's settings. One network thread, one request handler thread and two background threads
 * (Kafka's defaults are 3, 8 and 10): on a 2-core machine that also runs the shop and Postgres, more
 * threads only hand each request from one to another. Measured with `pnpm bench pipeline` (issue 14),
 * the broker's CPU per order fell from 56 to 40 ms in one process and from 21.6 to 16.9 ms as deployed
 * against 2 network and 4 request threads, with no loss of throughput.
 */
function serverProperties(dir, port, controllerPort) {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${join(dir, "data")}
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
num.network.threads=1
num.io.threads=1
background.threads=2
`;
}

/** Log4j 2 (what Kafka 4 logs with): WARN and up to kafka.log, plus the broker's start and stop lines. */
function log4j2Properties(logFile) {
  return `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${logFile}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = info
`;
}

/**
 * Sends a Metadata v0 request; true when the broker answers and lists at least one (unfenced) broker.
 * A bare TCP connect is not enough: the port is bound before the broker serves requests.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function brokerListed(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = Buffer.alloc(0);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => {
      const clientId = Buffer.from("infra-local");
      const request = Buffer.alloc(18 + clientId.length);
      request.writeInt32BE(request.length - 4, 0); // size
      request.writeInt16BE(3, 4); // api key: Metadata
      request.writeInt16BE(0, 6); // api version 0
      request.writeInt32BE(1, 8); // correlation id
      request.writeInt16BE(clientId.length, 12);
      clientId.copy(request, 14);
      request.writeInt32BE(0, 14 + clientId.length); // topics: [] means all
      socket.write(request);
    });
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      // size, correlation id, then the broker array's length
      if (data.length >= 12) done(data.readInt32BE(4) === 1 && data.readInt32BE(8) > 0);
    });
  });
}
