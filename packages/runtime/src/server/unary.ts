/**
 * The Connect unary fast path: a unary call in the Connect protocol (POST with `application/json` or
 * `application/proto`, compressed or not) answered straight from node:http. connect-node answers the
 * same call through universal request and response adapters, async iterables and three linked abort
 * signals per call, which cost more than the catalog's whole read (see tools/results/connect.md).
 *
 * Everything else (Connect GET, streaming, gRPC, gRPC-Web, unknown paths and content types) goes on to
 * connect-node. Both run the same service implementations behind the same interceptors, and the wire
 * details come from connect-es's own protocol code (content types, compression negotiation, limits,
 * error JSON, HTTP status per code), so a client cannot tell them apart; `unary.test.ts` checks that
 * with connect-node and connect-web clients. One deliberate difference: a request body that is not
 * valid protobuf, or does not decompress, is InvalidArgument here (as in connect-go), where connect-es
 * says Internal.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { create, type DescMethod, type DescMethodUnary, type DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createContextValues,
  createMethodImplSpec,
  createServiceImplSpec,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import {
  type Compression,
  compressionNegotiate,
  createMethodSerializationLookup,
  createMethodUrl,
  mergeNonProtocolHeaders,
} from "@connectrpc/connect/protocol";
import {
  codeToHttpStatus,
  contentTypeUnaryJson,
  contentTypeUnaryProto,
  errorToJsonBytes,
  headerTimeout,
  headerUnaryAcceptEncoding,
  headerUnaryEncoding,
  parseContentType,
  parseTimeout,
} from "@connectrpc/connect/protocol-connect";
import { LightHeaders } from "./headers.ts";
import { BodyTooLargeError, readBody } from "./http.ts";

// node:http keys request headers in lower case; connect-es spells them Like-This.
const TIMEOUT = headerTimeout.toLowerCase();
const ENCODING = headerUnaryEncoding.toLowerCase();
const ACCEPT_ENCODING = headerUnaryAcceptEncoding.toLowerCase();

const INTERNAL_ERROR = JSON.stringify({ code: "internal", message: "the answer could not be written" });

/** Routes as a function registers them, kept so they can be served twice: fast path and connect-node. */
export interface CapturedRoutes {
  /** Registers the same routes on another router (connect-node's). */
  replay(router: ConnectRouter): void;
  /** The unary methods by request path (`/shop.catalog.v1.CatalogService/GetProduct`). */
  unary: Map<string, MethodImplSpec & { kind: "unary" }>;
}

/** Calls `routes` once with a recording router. Services registered with options stay on connect-node. */
export function captureRoutes(routes: (router: ConnectRouter) => void): CapturedRoutes {
  const calls: ((router: ConnectRouter) => void)[] = [];
  const unary = new Map<string, MethodImplSpec & { kind: "unary" }>();
  const add = (spec: MethodImplSpec) => {
    if (spec.kind === "unary") unary.set(createMethodUrl("/", spec.method), spec);
  };
  const recorder = {
    handlers: [],
    service(service: DescService, impl: object, options?: object) {
      calls.push((router) => router.service(service, impl as never, options as never));
      if (!options) for (const spec of Object.values(createServiceImplSpec(service, impl).methods)) add(spec);
      return recorder;
    },
    rpc(method: DescMethod, impl: unknown, options?: object) {
      calls.push((router) => router.rpc(method as never, impl as never, options as never));
      if (!options) add(createMethodImplSpec(method, impl as never));
      return recorder;
    },
  } as unknown as ConnectRouter;
  routes(recorder);
  return {
    replay(router) {
      for (const call of calls) call(router);
    },
    unary,
  };
}

export interface UnaryHandlerOptions {
  routes: CapturedRoutes;
  interceptors: Interceptor[];
  readMaxBytes: number;
  /** Compressions accepted and offered, as connect-node's `acceptCompression`. */
  acceptCompression: Compression[];
  /** Smallest response body worth compressing (connect-es's default is 1 KiB). */
  compressMinBytes?: number;
  /** Largest `connect-timeout-ms` accepted, in ms (default: any). */
  maxTimeoutMs?: number;
}

/**
 * Builds the fast path. It returns false, without touching the request, for anything it does not
 * serve, so the caller can hand the request to connect-node.
 */
export function createUnaryHandler(
  options: UnaryHandlerOptions,
): (req: IncomingMessage, res: ServerResponse, requestId?: string) => boolean {
  const limits = { readMaxBytes: options.readMaxBytes, writeMaxBytes: 0xffffffff };
  const compressMinBytes = options.compressMinBytes ?? 1024;
  const methods = new Map(
    [...options.routes.unary].map(([path, spec]) => [
      path,
      { spec, serialization: createMethodSerializationLookup(spec.method, undefined, undefined, limits) },
    ]),
  );

  return (req, res, requestId) => {
    if (req.method !== "POST") return false;
    const url = req.url ?? "/";
    const route = methods.get(url);
    if (!route) return false;
    const type = parseContentType(req.headers["content-type"] ?? null);
    if (!type || type.stream) return false;
    answer(req, res, route.spec, route.serialization, type.binary, requestId).catch(() => {
      // Only writing the answer can fail here (a header value the HTTP layer refuses, say): never
      // leave the caller hanging, nor the process with an unhandled rejection.
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { "content-type": contentTypeUnaryJson }).end(INTERNAL_ERROR);
    });
    return true;
  };

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    spec: MethodImplSpec & { kind: "unary" },
    serialization: ReturnType<typeof createMethodSerializationLookup>,
    binary: boolean,
    requestId: string | undefined,
  ) {
    const method = spec.method as DescMethodUnary;
    // Most calls end without anyone looking at their signal: make it, and watch for the client going
    // away, only when someone asks for it (or a deadline passes).
    let controller: AbortController | undefined;
    const onClose = () => {
      if (!res.writableFinished) abort(new ConnectError("the client went away", Code.Canceled));
    };
    const signal = () => {
      if (!controller) {
        controller = new AbortController();
        res.once("close", onClose);
      }
      return controller.signal;
    };
    const abort = (reason: ConnectError) => {
      signal();
      controller?.abort(reason);
    };
    const timeout = parseTimeout(
      single(req.headers[TIMEOUT]) ?? null,
      options.maxTimeoutMs ?? Number.MAX_SAFE_INTEGER,
    );
    const deadline = timeout.timeoutMs === undefined ? undefined : Date.now() + timeout.timeoutMs;
    const timer =
      timeout.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
            timeout.timeoutMs,
          );
    const responseHeader = new LightHeaders([
      ["content-type", binary ? contentTypeUnaryProto : contentTypeUnaryJson],
    ]);
    const responseTrailer = new LightHeaders();
    const compression = compressionNegotiate(
      options.acceptCompression,
      single(req.headers[ENCODING]) ?? null,
      single(req.headers[ACCEPT_ENCODING]) ?? null,
      headerUnaryAcceptEncoding,
    );
    let status = 200;
    let body: Uint8Array;
    try {
      if (compression.error) throw compression.error;
      if (timeout.error) throw timeout.error;
      let bytes = await readRequest(req, options.readMaxBytes);
      if (compression.request) bytes = await decompress(compression.request, bytes, options.readMaxBytes);
      // What connect-es's invokeUnaryImplementation does, with the signal made on demand.
      const call = applyInterceptors(async (request: UnaryRequest): Promise<UnaryResponse> => {
        const context: HandlerContext = {
          method,
          service: request.service,
          get signal() {
            return request.signal;
          },
          timeoutMs: () => (deadline === undefined ? undefined : deadline - Date.now()),
          requestMethod: request.requestMethod,
          requestHeader: request.header,
          responseHeader,
          responseTrailer,
          protocolName: "connect",
          values: request.contextValues,
          url: request.url,
        };
        const output = await spec.impl(request.message, context);
        return {
          stream: false,
          service: method.parent,
          method,
          header: responseHeader,
          trailer: responseTrailer,
          message: create(method.output, output),
        };
      }, options.interceptors);
      const response = await call({
        stream: false,
        service: method.parent,
        method,
        requestMethod: "POST",
        url: `http://${req.headers.host ?? "localhost"}${req.url}`,
        get signal() {
          return signal();
        },
        header: LightHeaders.fromNode(req.headers),
        contextValues: createContextValues(),
        message: parse(serialization, binary, bytes),
      });
      copyHeaders(response.header, responseHeader);
      copyHeaders(response.trailer, responseTrailer);
      body = encode(response.message, binary, serialization);
    } catch (e) {
      const error =
        e instanceof ConnectError
          ? e
          : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
      status = codeToHttpStatus(error.code);
      responseHeader.set("content-type", contentTypeUnaryJson);
      if (!error.isWireError) mergeNonProtocolHeaders(responseHeader, error.metadata);
      body = errorToJsonBytes(error, {});
    } finally {
      if (timer) clearTimeout(timer);
      if (controller) res.off("close", onClose);
    }
    if (compression.response && body.byteLength >= compressMinBytes) {
      body = await compression.response.compress(body);
      responseHeader.set(headerUnaryEncoding, compression.response.name);
    }
    if (res.destroyed) return;
    // trailerMux's Connect unary convention: trailers travel as `trailer-` headers.
    const headers: Record<string, string> = requestId === undefined ? {} : { "x-request-id": requestId };
    responseHeader.forEach((value, name) => {
      headers[name] = value;
    });
    responseTrailer.forEach((value, name) => {
      headers[`trailer-${name}`] = value;
    });
    headers["content-length"] = String(body.byteLength);
    res.writeHead(status, headers);
    res.end(body);
  }
}

/** Encodings of responses marked reusable, made once per message and format. */
const encodings = new WeakMap<object, { binary?: Uint8Array; json?: Uint8Array }>();

/**
 * Marks `message` as a response that is never changed once built (a cached read), so the fast path
 * encodes it once and answers every caller with the same bytes. Returns the message.
 */
export function reusableResponse<T extends object>(message: T): T {
  if (!encodings.has(message)) encodings.set(message, {});
  return message;
}

function encode(
  message: object,
  binary: boolean,
  serialization: ReturnType<typeof createMethodSerializationLookup>,
): Uint8Array {
  const known = encodings.get(message);
  if (!known) return serialization.getO(binary).serialize(message as never);
  if (binary) {
    known.binary ??= serialization.getO(true).serialize(message as never);
    return known.binary;
  }
  known.json ??= serialization.getO(false).serialize(message as never);
  return known.json;
}

type UnaryFn = (request: UnaryRequest) => Promise<UnaryResponse>;

/** Wraps `next` in `interceptors`, the first one outermost (connect-es's order). */
function applyInterceptors(next: UnaryFn, interceptors: Interceptor[]): UnaryFn {
  let wrapped = next;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    wrapped = interceptors[i]!(wrapped as Parameters<Interceptor>[0]) as UnaryFn;
  }
  return wrapped;
}

/** Replaces what `to` holds with `from`, unless an interceptor handed back the very same Headers. */
function copyHeaders(from: Headers, to: Headers): void {
  if (from === to) return;
  for (const name of [...to.keys()]) to.delete(name);
  from.forEach((value, name) => {
    to.set(name, value);
  });
}

async function decompress(compression: Compression, bytes: Uint8Array, readMaxBytes: number) {
  try {
    return await compression.decompress(bytes, readMaxBytes);
  } catch (error) {
    // connect-es says Internal for a body that does not decompress; it is the client's mistake too.
    if (error instanceof ConnectError && error.code === Code.Internal) {
      throw new ConnectError(error.rawMessage, Code.InvalidArgument);
    }
    throw error;
  }
}

function parse(
  serialization: ReturnType<typeof createMethodSerializationLookup>,
  binary: boolean,
  bytes: Uint8Array,
) {
  try {
    return serialization.getI(binary).parse(bytes);
  } catch (error) {
    // connect-es calls undecodable protobuf Internal; it is the client's mistake (connect-go agrees).
    if (binary && error instanceof ConnectError && error.code === Code.Internal) {
      throw new ConnectError(error.rawMessage, Code.InvalidArgument);
    }
    throw error;
  }
}

/** The body, refused with ResourceExhausted past `limit` bytes (declared or received), as connect-es does. */
async function readRequest(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge(error.size, limit);
    throw ConnectError.from(error, Code.Canceled);
  }
}

function tooLarge(size: number, limit: number): ConnectError {
  return new ConnectError(
    `message size ${size} is larger than configured readMaxBytes ${limit}`,
    Code.ResourceExhausted,
  );
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
