/**
 * The interceptor chain of every function, built in one place so that the server, the unary fast
 * path and the test client run exactly the same one.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Tracer } from "@opentelemetry/api";
import { type AccessPolicy, createAuthInterceptor } from "./auth/interceptor.ts";
import type { TokenVerifier } from "./auth/tokens.ts";
import { toConnectError } from "./errors.ts";
import { currentLogContext, type Logger } from "./logger.ts";
import { createTracingInterceptor } from "./tracing/rpc-span.ts";

/**
 * The outer interceptor: a domain error becomes its ConnectError, a ConnectError passes as it is;
 * anything else is logged with the request id and becomes Internal, so no stack trace or SQL reaches
 * a client. Errors of a server stream are mapped the same way as they surface.
 */
export function createErrorInterceptor(logger: Logger): Interceptor {
  const map = (error: unknown, procedure: string): ConnectError => {
    const mapped = toConnectError(error);
    if (mapped instanceof ConnectError) return mapped;
    logger.error({ err: error, procedure }, "unexpected error in an RPC");
    return new ConnectError(
      `Something went wrong on our side (request ${currentLogContext().requestId ?? "unknown"}). Please try again.`,
      Code.Internal,
    );
  };
  return (next) => async (req) => {
    try {
      const res = await next(req);
      if (!res.stream) return res;
      const messages = res.message;
      return {
        ...res,
        message: (async function* () {
          try {
            yield* messages;
          } catch (error) {
            throw map(error, req.url);
          }
        })(),
      };
    } catch (error) {
      throw map(error, req.url);
    }
  };
}

/** What the chain of one function is made of. */
export interface InterceptorOptions {
  logger: Logger;
  verifier: TokenVerifier;
  policy: AccessPolicy;
  /** The function's own interceptors, innermost. */
  extra?: Interceptor[];
  /** With tracing on: a SERVER span around each call, outermost. */
  tracer?: Tracer;
}

/** The chain, outermost first: the span (tracing on), errors, then authorisation, then the function's own. */
export function functionInterceptors(options: InterceptorOptions): Interceptor[] {
  return [
    ...(options.tracer ? [createTracingInterceptor(options.tracer)] : []),
    createErrorInterceptor(options.logger),
    createAuthInterceptor(options.verifier, options.policy),
    ...(options.extra ?? []),
  ];
}
