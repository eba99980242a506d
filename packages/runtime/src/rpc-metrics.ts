/**
 * RED metrics of RPCs: every call counted by service, method and Connect code, and the latency of
 * unary calls, measured by the outermost interceptor so that codes are the ones the client sees.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Metrics } from "./metrics.ts";

/** The wire name of a Connect code (`not_found`), as the Connect protocol spells it; `ok` for success. */
export function codeName(code: Code | undefined): string {
  if (code === undefined) return "ok";
  return Code[code].replace(/[A-Z]/g, (letter, at: number) => `${at > 0 ? "_" : ""}${letter.toLowerCase()}`);
}

/** The labelled children of one method: counting a call does not hash its labels again. */
interface MethodMetrics {
  seconds: { observe(value: number): void };
  ok: { inc(): void };
  codes: Map<string, { inc(): void }>;
}

/** Counts every RPC in `metrics` (`shop_rpc_requests_total`, `shop_rpc_duration_seconds`). */
export function createMetricsInterceptor(metrics: Metrics): Interceptor {
  // Keyed by the method's descriptor, which every call of it shares: no key to build per call.
  const methods = new WeakMap<object, MethodMetrics>();
  const of = (req: { service: { typeName: string }; method: { name: string } }): MethodMetrics => {
    let found = methods.get(req.method);
    if (!found) {
      const labels = { service: req.service.typeName, method: req.method.name };
      found = {
        seconds: metrics.rpcSeconds.labels(labels),
        ok: metrics.rpcRequests.labels({ ...labels, code: "ok" }),
        codes: new Map(),
      };
      methods.set(req.method, found);
    }
    return found;
  };
  const count = (req: Parameters<typeof of>[0], code: string) => {
    const { codes } = of(req);
    let counter = codes.get(code);
    if (!counter) {
      counter = metrics.rpcRequests.labels({ service: req.service.typeName, method: req.method.name, code });
      codes.set(code, counter);
    }
    counter.inc();
  };
  const codeOf = (error: unknown) => codeName(ConnectError.from(error).code);
  return (next) => async (req) => {
    const started = performance.now();
    const method = of(req);
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (error) {
      count(req, codeOf(error));
      if (!req.stream) method.seconds.observe((performance.now() - started) / 1000);
      throw error;
    }
    if (!res.stream) {
      method.ok.inc();
      method.seconds.observe((performance.now() - started) / 1000);
      return res;
    }
    // A server stream is counted once it ends, with the code it ended with.
    const messages = res.message;
    return {
      ...res,
      message: (async function* () {
        let code = "canceled"; // unless it ends or fails: the client went away
        try {
          yield* messages;
          code = "ok";
        } catch (error) {
          code = codeOf(error);
          throw error;
        } finally {
          count(req, code);
        }
      })(),
    };
  };
}
