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
import { create, type DescMethodUnary } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import {
  Code,
  ConnectError,
  createContextValues,
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
import { LightHeaders } from "../headers.ts";
import { decompress, encode, parse, type Serialization } from "./codec.ts";
import {
  encodingOf,
  messageOf,
  notModified,
  notModifiedHeaders,
  paramCompression,
  paramEncoding,
} from "./get-request.ts";
import { applyInterceptors, copyHeaders, type UnaryFn } from "./interceptors.ts";
import { readRequest, single } from "./request.ts";
import type { CapturedRoutes } from "./routes.ts";
import { CallSignal, kRequest, kSignal, withSignal, withSignalOf } from "./signal.ts";

// node:http keys request headers in lower case; connect-es spells them Like-This.
const TIMEOUT = headerTimeout.toLowerCase();
const ENCODING = headerUnaryEncoding.toLowerCase();
const ACCEPT_ENCODING = headerUnaryAcceptEncoding.toLowerCase();
const INTERNAL_ERROR = JSON.stringify({ code: "internal", message: "the answer could not be written" });

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
      {
        spec,
        serialization: createMethodSerializationLookup(spec.method, undefined, undefined, limits),
        // The chain is built once per method, not per call; what a call needs of its own travels
        // with its request (kCall), as its signal does.
        call: applyInterceptors(invoke(spec), options.interceptors),
      },
    ]),
  );

  return (req, res, requestId) => {
    const url = req.url ?? "/";
    let query: URLSearchParams | undefined;
    let route: (typeof methods extends Map<string, infer R> ? R : never) | undefined;
    let type: ReturnType<typeof parseContentType>;
    if (req.method === "POST") {
      route = methods.get(url);
      type = parseContentType(req.headers["content-type"] ?? null);
    } else if (req.method === "GET") {
      // Connect GET (side-effect-free methods only; connect-node answers the others 405).
      const mark = url.indexOf("?");
      route = methods.get(mark < 0 ? url : url.slice(0, mark));
      if (route?.spec.method.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return false;
      query = new URLSearchParams(mark < 0 ? "" : url.slice(mark + 1));
      type = encodingOf(query.get(paramEncoding));
    } else return false;
    if (!route || !type || type.stream) return false;
    answer(req, res, route.spec, route.serialization, route.call, type.binary, requestId, query).catch(() => {
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
    serialization: Serialization,
    call: UnaryFn,
    binary: boolean,
    requestId: string | undefined,
    /** The query of a Connect GET, which carries the message; undefined for POST. */
    query?: URLSearchParams,
  ) {
    const method = spec.method as DescMethodUnary;
    // Made on demand (see signal.ts): most calls end without anyone looking at their signal.
    const signal = new CallSignal(res);
    const timeout = parseTimeout(
      single(req.headers[TIMEOUT]) ?? null,
      options.maxTimeoutMs ?? Number.MAX_SAFE_INTEGER,
    );
    const deadline = timeout.timeoutMs === undefined ? undefined : Date.now() + timeout.timeoutMs;
    const timer =
      timeout.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => signal.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded)),
            timeout.timeoutMs,
          );
    const responseHeader = new LightHeaders([
      ["content-type", binary ? contentTypeUnaryProto : contentTypeUnaryJson],
    ]);
    const responseTrailer = new LightHeaders();
    const compression = compressionNegotiate(
      options.acceptCompression,
      query ? query.get(paramCompression) : (single(req.headers[ENCODING]) ?? null),
      single(req.headers[ACCEPT_ENCODING]) ?? null,
      headerUnaryAcceptEncoding,
    );
    let status = 200;
    let body: Uint8Array;
    try {
      if (compression.error) throw compression.error;
      if (timeout.error) throw timeout.error;
      let bytes = query ? messageOf(query) : await readRequest(req, options.readMaxBytes);
      if (compression.request) bytes = await decompress(compression.request, bytes, options.readMaxBytes);
      const response = await call(
        withSignal({
          stream: false as const,
          service: method.parent,
          method,
          requestMethod: query ? "GET" : "POST",
          url: `http://${req.headers.host ?? "localhost"}${req.url}`,
          header: LightHeaders.fromNode(req.headers),
          contextValues: createContextValues(),
          message: parse(serialization, binary, bytes),
          [kSignal]: signal,
          [kCall]: { deadline, responseHeader, responseTrailer },
        }),
      );
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
      signal.release();
    }
    if (query && status === 200 && notModified(req, responseHeader)) {
      if (res.destroyed) return;
      res.writeHead(304, notModifiedHeaders(responseHeader, requestId)).end();
      return;
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

/** What a call carries for the implementation at the end of the chain (see `invoke`). */
const kCall = Symbol("call state");

interface CallState {
  deadline: number | undefined;
  responseHeader: Headers;
  responseTrailer: Headers;
}

/**
 * The end of a method's chain: what connect-es's invokeUnaryImplementation does, with the signal
 * made on demand and the call's own state read from its request.
 */
function invoke(spec: MethodImplSpec & { kind: "unary" }): UnaryFn {
  const method = spec.method as DescMethodUnary;
  return async (request: UnaryRequest): Promise<UnaryResponse> => {
    const { deadline, responseHeader, responseTrailer } = (request as UnaryRequest & { [kCall]: CallState })[
      kCall
    ];
    const context: HandlerContext = withSignalOf({
      method,
      service: request.service,
      timeoutMs: () => (deadline === undefined ? undefined : deadline - Date.now()),
      requestMethod: request.requestMethod,
      requestHeader: request.header,
      responseHeader,
      responseTrailer,
      protocolName: "connect",
      values: request.contextValues,
      url: request.url,
      [kRequest]: request,
    });
    const output = await spec.impl(request.message, context);
    return {
      stream: false,
      service: method.parent,
      method,
      header: responseHeader,
      trailer: responseTrailer,
      message: create(method.output, output),
    };
  };
}
