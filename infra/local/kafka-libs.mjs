// Fetches the Apache Kafka jars (and their Log4j 2 logging) from Maven Central once, into a per-user cache.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runOk, since, which } from "./util.mjs";

/** The version `infra/cluster/kafka/kafka.yaml` deploys (Strimzi), so tests run what the cluster runs. */
export const KAFKA_VERSION = "4.1.0";
// Kafka 4 logs with Log4j 2 (kafka-server brings log4j-api and log4j-core 2.24.3) behind slf4j 1.7.36:
// its distribution binds the two with log4j-slf4j-impl, the slf4j 1.x binding (slf4j 2 and
// log4j-slf4j2-impl wait for Kafka 5, KIP-1064). Pinned here as Kafka 4.1.0 ships them.
const SLF4J_VERSION = "1.7.36";
const LOG4J2_VERSION = "2.24.3";
const MARKER = ".complete";

/**
 * Downloads Kafka and its runtime dependencies once, into `${XDG_CACHE_HOME:-~/.cache}/shop/kafka-<version>/libs`
 * (complete when it holds the `.complete` marker); safe against concurrent first runs.
 * @param {(line: string) => void} log
 * @returns {Promise<string>} the libs dir, for a `libs/*` classpath
 */
export async function kafkaLibs(log) {
  const home = join(
    process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    "shop",
    `kafka-${KAFKA_VERSION}`,
  );
  const libs = join(home, "libs");
  if (existsSync(join(libs, MARKER))) return libs;
  if (!which("mvn")) {
    throw new Error("infra/local needs Maven (`mvn`) to download Kafka once: apt-get install maven");
  }
  mkdirSync(home, { recursive: true });
  // Each process downloads into its own dir, then renames it into place: the rename is atomic.
  const work = mkdtempSync(join(home, "download-"));
  const start = Date.now();
  log(`infra/local: downloading Kafka ${KAFKA_VERSION} jars from Maven Central into ${libs} (once)`);
  try {
    writeFileSync(join(work, "pom.xml"), pom());
    const goal = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies";
    const args = ["-q", "-B", "-f", join(work, "pom.xml"), goal, `-DoutputDirectory=${join(work, "libs")}`];
    await runOk("downloading Kafka with mvn", "mvn", [...args, "-DincludeScope=runtime"], { cwd: work });
    writeFileSync(join(work, "libs", MARKER), `${new Date().toISOString()}\n`);
    for (let attempt = 1; ; attempt++) {
      try {
        renameSync(join(work, "libs"), libs);
        break;
      } catch (error) {
        if (existsSync(join(libs, MARKER))) return libs; // another process finished first
        if (attempt >= 3 || !existsSync(libs)) throw error;
        // A stale dir without the marker: move it aside (atomically, so never a complete one), then retry.
        try {
          renameSync(libs, join(work, `stale-${attempt}`));
        } catch {}
      }
    }
    renameSync(join(work, "pom.xml"), join(home, "pom.xml")); // kept to show what libs/ holds
    log(`infra/local: Kafka ${KAFKA_VERSION} jars downloaded in ${since(start)}`);
    return libs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// kafka-tools (TopicCommand, console producer/consumer) would drag in Kafka Connect: 30 MB we never use.
const NO_CONNECT =
  "<exclusions><exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion></exclusions></dependency>";

function pom() {
  const dep = (g, a, v) =>
    `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>shop.infra.local</groupId>
  <artifactId>kafka-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${dep("org.apache.kafka", "kafka_2.13", KAFKA_VERSION)}
    ${dep("org.apache.kafka", "kafka-tools", KAFKA_VERSION).replace("</dependency>", NO_CONNECT)}
    ${dep("org.slf4j", "slf4j-api", SLF4J_VERSION)}
    ${dep("org.apache.logging.log4j", "log4j-api", LOG4J2_VERSION)}
    ${dep("org.apache.logging.log4j", "log4j-core", LOG4J2_VERSION)}
    ${dep("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J2_VERSION)}
  </dependencies>
</project>
`;
}
