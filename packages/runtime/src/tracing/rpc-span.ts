/**
 * The SERVER span of every RPC (semantic conventions for Connect and gRPC), child of the caller's
 * `traceparent` header when it sends one. Outermost in the chain, so it sees the code the client gets.
 */
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { type Span, SpanKind, type Tracer } from "@opentelemetry/api";
import { inSpan, tagOrder } from "./spans.ts";
import { contextFromHeaders } from "./traceparent.ts";

/** An interceptor that runs each call in its SERVER span. */
export function createTracingInterceptor(tracer: Tracer): Interceptor {
  return (next) => async (req) => {
    const grpc = (req.header.get("content-type") ?? "").startsWith("application/grpc");
    const service = req.service.typeName;
    const method = req.method.name;
    const parent = contextFromHeaders(
      req.header.get("traceparent") ?? undefined,
      req.header.get("tracestate") ?? undefined,
    );
    const options = {
      kind: SpanKind.SERVER,
      attributes: {
        "rpc.system": grpc ? "grpc" : "connect_rpc",
        "rpc.service": service,
        "rpc.method": method,
      },
    };
    return inSpan(
      tracer,
      `${service}/${method}`,
      options,
      parent,
      async (span) => {
        const orderId = req.stream ? undefined : (req.message as { orderId?: unknown }).orderId;
        if (typeof orderId === "string" && orderId !== "") tagOrder(orderId);
        try {
          const res = await next(req);
          if (grpc) span.setAttribute("rpc.grpc.status_code", 0); // OK
          return res;
        } catch (error) {
          setCode(span, ConnectError.from(error).code, grpc);
          throw error;
        }
      },
      true,
    );
  };
}

/** The status attributes of a failed call: the Connect error code name, or gRPC's numeric status. */
function setCode(span: Span, code: Code, grpc: boolean): void {
  if (grpc) span.setAttribute("rpc.grpc.status_code", code);
  else span.setAttribute("rpc.connect_rpc.error_code", snake(Code[code] ?? "unknown"));
}

/** `NotFound` → `not_found`, as the Connect protocol spells codes. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter, at: number) => (at > 0 ? "_" : "") + letter.toLowerCase());
}
