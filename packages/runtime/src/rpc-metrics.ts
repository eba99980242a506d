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

/** Counts every RPC in `metrics` (`shop_rpc_requests_total`, `shop_rpc_duration_seconds`). */
export function createMetricsInterceptor(metrics: Metrics): Interceptor {
  // Labelled children per method (and code): counting a call does not hash its labels again.
  const children = new Map<
    string,
    { seconds: { observe(v: number): void }; codes: Map<string, { inc(): void }> }
  >();
  const child = (service: string, method: string) => {
    const key = `${service}/${method}`;
    let found = children.get(key);
    if (!found) {
      found = { seconds: metrics.rpcSeconds.labels({ service, method }), codes: new Map() };
      children.set(key, found);
    }
    return found;
  };
  const count = (service: string, method: string, code: string) => {
    const codes = child(service, method).codes;
    let counter = codes.get(code);
    if (!counter) {
      counter = metrics.rpcRequests.labels({ service, method, code });
      codes.set(code, counter);
    }
    counter.inc();
  };
  const codeOf = (error: unknown) => codeName(ConnectError.from(error).code);
  return (next) => async (req) => {
    const service = req.service.typeName;
    const method = req.method.name;
    const started = performance.now();
    let res: Awaited<ReturnType<typeof next>>;
    try {
      res = await next(req);
    } catch (error) {
      count(service, method, codeOf(error));
      if (!req.stream) child(service, method).seconds.observe((performance.now() - started) / 1000);
      throw error;
    }
    if (!res.stream) {
      count(service, method, "ok");
      child(service, method).seconds.observe((performance.now() - started) / 1000);
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
          count(service, method, code);
        }
      })(),
    };
  };
}
