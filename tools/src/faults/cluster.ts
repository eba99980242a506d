/**
 * The shop for fault tests: every function against real Kafka and Postgres, some in this process and
 * some as child processes that can be killed with SIGKILL and started again. One gateway routes to
 * all of them; for a child process it behaves like Knative's activator, holding a request while the
 * function is not up (connection refused) instead of failing it.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  createKafkaLog,
  createLogger,
  type EventLog,
  type RunningFunction,
  startFunction,
} from "@shop/runtime";
import { waitFor } from "@shop/runtime/testing";
import { freePort, httpStatus } from "../net.ts";
import { type Runner, startRunner } from "../runner/runner.ts";
import { functionNames, knativeDir, loadDefinition, repoRoot } from "../shop/functions.ts";
import { createGateway, type Target } from "../shop/gateway.ts";

export interface FaultShopOptions {
  databaseUrl: string;
  kafkaBrokers: string[];
  topic: string;
  dlqTopic: string;
  /** Functions run as child processes (killable); the others run in this process. */
  processes: string[];
  logLevel?: string;
}

/** A function running as a child process. */
interface ChildFunction {
  port: number;
  child: ChildProcess;
  exited: Promise<unknown>;
}

/** A running fault-test shop. */
export interface FaultShop {
  url: string;
  log: EventLog;
  inProcess: Record<string, RunningFunction>;
  /** The consumer groups the runner dispatches with (one per Trigger). */
  groups: string[];
  /** SIGKILLs a child-process function and starts it again on the same port; resolves when it is ready. */
  killAndRestart(name: string): Promise<{ downMs: number }>;
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
  };
  const inProcess: Record<string, RunningFunction> = {};
  const children: Record<string, ChildFunction> = {};
  const targets: Record<string, Target> = {};
  const env = (port: number) => ({
    ...process.env,
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.kafkaBrokers.join(","),
    SHOP_EVENTS_TOPIC: options.topic,
    SHOP_SWEEP_INTERVAL_MS: "1000",
    LOG_LEVEL: logLevel === "silent" ? "error" : logLevel,
  });
  const spawnChild = async (name: string, port: number): Promise<ChildFunction> => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
      cwd: join(repoRoot, "functions", name),
      env: env(port),
      stdio: ["ignore", "ignore", logLevel === "silent" ? "ignore" : "inherit"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        return (await httpStatus(`http://127.0.0.1:${port}/health/readiness`)) === 200;
      },
      { message: `${name} (child process) to be ready`, timeoutMs: 90_000, intervalMs: 100 },
    );
    return { port, child, exited };
  };

  const names = functionNames();
  await Promise.all(
    names.map(async (name) => {
      if (options.processes.includes(name)) {
        const port = await freePort();
        children[name] = await spawnChild(name, port);
        targets[name] = activator(`http://127.0.0.1:${port}`);
      } else {
        inProcess[name] = await startFunction(await loadDefinition(name), {
          log,
          listen: false,
          logger: createLogger(name, logLevel),
          config,
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
    topicOverride: options.topic,
    dlqTopic: options.dlqTopic,
    resolveSubscriber: (ref) => `${url}/functions/${ref.name}/`,
  });

  return {
    url,
    log,
    inProcess,
    groups: runner.triggers.map((t) => `knative-trigger-${t.namespace}-${t.name}`),
    async killAndRestart(name) {
      const running = children[name];
      if (!running) throw new Error(`${name} does not run as a child process`);
      const killed = Date.now();
      running.child.kill("SIGKILL");
      await running.exited;
      children[name] = await spawnChild(name, running.port);
      return { downMs: Date.now() - killed };
    },
    async close() {
      await runner.close();
      for (const { child, exited } of Object.values(children)) {
        child.kill("SIGTERM");
        await exited;
      }
      await Promise.all(Object.values(inProcess).map((fn) => fn.close()));
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await log.close();
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
