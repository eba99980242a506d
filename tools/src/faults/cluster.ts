/**
 * The shop for fault tests: every function against real Kafka and Postgres, some in this process and
 * some as child processes that can be killed with SIGKILL and started again, or frozen with SIGSTOP
 * and thawed with SIGCONT. One gateway routes to all of them; for a child process it behaves like
 * Knative's activator, holding a request while the function is not up (connection refused) instead
 * of failing it.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type MailCatcher, startMailCatcher } from "@shop/notifications/mail-catcher";
import {
  createGateway,
  createKafkaLog,
  freePort,
  functionDir,
  functionNames,
  httpStatus,
  knativeDir,
  type Runner,
  runFunctionScript,
  serveJwks,
  shopFunctions,
  startRunner,
  type Target,
  writeTokenFiles,
} from "@shop/platform";
import {
  createEventIssuer,
  createLogger,
  createSecretStore,
  type EventLog,
  type RunningFunction,
  startFunction,
} from "@shop/runtime";
import { waitFor } from "@shop/runtime/testing";

export interface FaultShopOptions {
  databaseUrl: string;
  kafkaBrokers: string[];
  topic: string;
  dlqTopic: string;
  /** Functions run as child processes (killable); the others run in this process. */
  processes: string[];
  logLevel?: string;
  /**
   * Environment variables of the functions' own config (`ORDERS_SAGA_DEADLINE_MS`, `REDRIVE_DELAYS_MS`,
   * …): set in the child processes' environment, and parsed by the in-process functions' `config`.
   */
  env?: Record<string, string>;
  /** The runtime's timer of the periodic work (`SHOP_TICK_INTERVAL_MS`), for every function. */
  tickIntervalMs?: number;
  /** The runner's per-attempt delivery timeout (a Trigger without `delivery.timeout`); 30 s by default. */
  deliveryTimeoutMs?: number;
}

/** A function running as a child process. */
interface ChildFunction {
  port: number;
  child: ChildProcess;
  exited: Promise<unknown>;
  /** Set before the suite itself kills it, so that exit is not taken for a crash. */
  killed: boolean;
}

/** Lines of a child's stderr kept to explain a crash. */
const STDERR_LINES = 20;

/** A running fault-test shop. */
export interface FaultShop {
  url: string;
  log: EventLog;
  inProcess: Record<string, RunningFunction>;
  /** The consumer groups the runner dispatches with (one per Trigger), on the events topic. */
  groups: string[];
  /** The SMTP server notifications sends to (a real one, in this process): what each customer received. */
  mail: MailCatcher;
  /**
   * The consumer groups of the KafkaSources the runner plays (the redrive function's, on the
   * dead-letter topic), each with the topics it reads; none when `knative/` has no KafkaSource.
   */
  sourceGroups: { groupId: string; topics: string[] }[];
  /**
   * Child-process functions that exited without being told to (an uncaught error), each with the end
   * of its stderr. The shop starts a crashed function again, as Kubernetes would, so the run goes on.
   */
  crashes: string[];
  /** SIGKILLs a child-process function and starts it again on the same port; resolves when it is ready. */
  killAndRestart(name: string): Promise<{ downMs: number }>;
  /**
   * Freezes a child-process function with SIGSTOP for `ms` and thaws it with SIGCONT: it keeps its
   * port and connections, and answers nothing meanwhile (requests are accepted and wait). Resolves
   * once it answers its readiness probe again.
   */
  freeze(name: string, ms: number): Promise<{ frozenMs: number }>;
  close(): Promise<void>;
}

/** How long the gateway holds a request for a function that is down (Knative's activator waits too). */
const ACTIVATOR_TIMEOUT_MS = 60_000;

/** Starts the shop. */
export async function startFaultShop(options: FaultShopOptions): Promise<FaultShop> {
  const logLevel = options.logLevel ?? "silent";
  const logger = createLogger("faults", logLevel);
  const log = createKafkaLog({ brokers: options.kafkaBrokers, clientId: "faults", logger });
  await log.ensureTopics([options.topic, options.dlqTopic]);
  const config = {
    database: { kind: "postgres" as const, url: options.databaseUrl },
    kafkaBrokers: options.kafkaBrokers,
    eventsTopic: options.topic,
    sweepIntervalMs: 1_000,
    ...(options.tickIntervalMs === undefined ? {} : { tickIntervalMs: options.tickIntervalMs }),
  };
  // notifications mails a real SMTP server here; short timeouts and retries, since a send a fault cut
  // is taken again only after its lease (3 × the timeout + 30 s), and the run must settle before that.
  const mail = await startMailCatcher({ limit: 100_000 });
  const functionEnv = {
    SHOP_SECRET_NOTIFICATIONS_SMTP: JSON.stringify(mail.smtpSecret()),
    NOTIFICATIONS_SMTP_TIMEOUT_MS: "2000",
    NOTIFICATIONS_RETRY_DELAYS_MS: "1000,2000,5000",
    ...options.env,
  };
  const inProcess: Record<string, RunningFunction> = {};
  const children: Record<string, ChildFunction> = {};
  const targets: Record<string, Target> = {};
  // The runner signs each delivery's token; in-process functions trust its key, children its JWKS.
  const issuer = await createEventIssuer();
  const jwks = await serveJwks(issuer);
  const tokenFiles = await writeTokenFiles(issuer, functionNames);
  const env = (port: number) => ({
    ...process.env,
    ...jwks.env,
    ...tokenFiles.env,
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.kafkaBrokers.join(","),
    SHOP_EVENTS_TOPIC: options.topic,
    SHOP_SWEEP_INTERVAL_MS: "1000",
    ...(options.tickIntervalMs === undefined
      ? {}
      : { SHOP_TICK_INTERVAL_MS: String(options.tickIntervalMs) }),
    ...functionEnv,
    LOG_LEVEL: logLevel === "silent" ? "error" : logLevel,
  });
  const crashes: string[] = [];
  let closing = false;
  const spawnChild = async (name: string, port: number): Promise<ChildFunction> => {
    const child = spawn(process.execPath, ["--import", "tsx", runFunctionScript, name], {
      cwd: functionDir(name),
      env: env(port),
      stdio: ["ignore", "ignore", "pipe"],
    });
    const stderr: string[] = [];
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      if (logLevel !== "silent") process.stderr.write(text);
      stderr.push(...text.split("\n").filter((line) => line.trim() !== ""));
      stderr.splice(0, Math.max(0, stderr.length - STDERR_LINES));
    });
    const running: ChildFunction = { port, child, exited: Promise.resolve(), killed: false };
    running.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        resolve(code);
        if (running.killed || closing) return;
        crashes.push(`${name} exited unexpectedly (${signal ?? `code ${code}`}): ${stderr.join(" | ")}`);
        // Kubernetes starts a crashed container again; so does the shop, so the run can settle.
        if (children[name] === running) {
          void spawnChild(name, port).then(
            (again) => {
              children[name] = again;
            },
            (error: unknown) => crashes.push(`${name} did not start again: ${String(error)}`),
          );
        }
      }),
    );
    let exitedEarly = false;
    void running.exited.then(() => {
      exitedEarly = true;
    });
    const outcome = await waitFor(
      async () => {
        if (exitedEarly) return "exited";
        return (await httpStatus(`http://127.0.0.1:${port}/health/readiness`)) === 200 && "ready";
      },
      { message: `${name} (child process) to be ready`, timeoutMs: 90_000, intervalMs: 100 },
    );
    if (outcome === "exited") throw new Error(`${name} exited before it was ready: ${stderr.join(" | ")}`);
    return running;
  };

  await Promise.all(
    shopFunctions.map(async (definition) => {
      const name = definition.name;
      if (options.processes.includes(name)) {
        const port = await freePort();
        children[name] = await spawnChild(name, port);
        targets[name] = activator(`http://127.0.0.1:${port}`);
      } else {
        const fnEnv = { ...process.env, ...functionEnv };
        inProcess[name] = await startFunction(definition, {
          log,
          listen: false,
          logger: createLogger(name, logLevel),
          eventAuth: { issuer: issuer.issuer, keys: issuer.keys },
          eventTokens: (audience) => issuer.token(audience),
          config,
          env: fnEnv,
          // notifications reads its SMTP secret from the store (the local one reads SHOP_SECRET_*).
          ...(name === "notifications" ? { secrets: createSecretStore(fnEnv, logger) } : {}),
        });
        targets[name] = inProcess[name].handler;
      }
    }),
  );
  const server: Server = createServer(createGateway(targets));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const runner: Runner = await startRunner({
    log,
    logger,
    knativeDir,
    tokens: issuer,
    topicOverride: options.topic,
    dlqTopic: options.dlqTopic,
    resolveSubscriber: (ref) => `${url}/functions/${ref.name}/`,
    ...(options.deliveryTimeoutMs === undefined ? {} : { requestTimeoutMs: options.deliveryTimeoutMs }),
  });
  // KafkaSources (the redrive function's) where the runner plays them; an older runner has none.
  const sources =
    (runner as { kafkaSources?: { consumerGroup: string; topics: string[] }[] }).kafkaSources ?? [];
  const sourceTopic = (topic: string) =>
    topic === "shop.events" ? options.topic : topic === "shop.events.dlq" ? options.dlqTopic : topic;

  return {
    url,
    log,
    inProcess,
    groups: runner.triggers.map((t) => `knative-trigger-${t.namespace}-${t.name}`),
    sourceGroups: sources.map((s) => ({ groupId: s.consumerGroup, topics: s.topics.map(sourceTopic) })),
    mail,
    crashes,
    async killAndRestart(name) {
      const running = children[name];
      if (!running) throw new Error(`${name} does not run as a child process`);
      const killed = Date.now();
      running.killed = true;
      running.child.kill("SIGKILL");
      await running.exited;
      children[name] = await spawnChild(name, running.port);
      return { downMs: Date.now() - killed };
    },
    async freeze(name, ms) {
      const running = children[name];
      if (!running) throw new Error(`${name} does not run as a child process`);
      const frozen = Date.now();
      running.child.kill("SIGSTOP");
      try {
        await new Promise((resolve) => setTimeout(resolve, ms));
      } finally {
        running.child.kill("SIGCONT");
      }
      const thawed = Date.now() - frozen;
      await waitFor(
        async () => (await httpStatus(`http://127.0.0.1:${running.port}/health/readiness`)) === 200,
        { message: `${name} to answer again after SIGCONT`, timeoutMs: 60_000, intervalMs: 100 },
      );
      return { frozenMs: thawed };
    },
    async close() {
      closing = true;
      await runner.close();
      for (const { child, exited } of Object.values(children)) {
        child.kill("SIGTERM");
        await exited;
      }
      await Promise.all(Object.values(inProcess).map((fn) => fn.close()));
      // Everything behind the gateway is stopped: a connection still open (a keep-alive client, a
      // request an activator still held) would keep close() waiting for ever, so cut them all.
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await log.close();
      await jwks.close();
      await tokenFiles.close();
      await mail.close();
    },
  };
}

/**
 * A proxy to `base` that, like Knative's activator, holds a request while nothing listens there
 * (connection refused: the request cannot have been seen) and forwards it once the function is up.
 * Anything else (a connection cut mid-request) is a 502, which the broker retries.
 */
function activator(base: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const deadline = Date.now() + ACTIVATOR_TIMEOUT_MS;
      const attempt = () => {
        const upstream = request(
          new URL(req.url ?? "/", base),
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on("error", (error: NodeJS.ErrnoException) => {
          if (error.code === "ECONNREFUSED" && Date.now() < deadline) {
            setTimeout(attempt, 50);
            return;
          }
          if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
          res.end("function unavailable");
        });
        upstream.end(body);
      };
      attempt();
    });
  };
}
