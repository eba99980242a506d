/**
 * Plain HTTP GET routes of a function (files it stores, such as catalog's product images), served by
 * the function's one server next to Connect, under a path prefix of its own.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Logger } from "../logger.ts";

/** A GET (or HEAD) request to a GET route. */
export interface GetRequest {
  /** The path after the route's prefix (`/images/abc` under `/images/` is `abc`), undecoded. */
  rest: string;
  headers: IncomingHttpHeaders;
}

/** What a GET route answers; the server adds nothing but `x-request-id` (and drops the body for HEAD). */
export interface GetAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** A GET route: requests whose path starts with `prefix` (which starts and ends with `/`). */
export interface GetRoute {
  prefix: string;
  handle(request: GetRequest): Promise<GetAnswer>;
}

/** The route of `path`, if any (GET and HEAD only). */
export function findGetRoute(routes: GetRoute[] | undefined, method: string | undefined, path: string) {
  if (!routes || (method !== "GET" && method !== "HEAD")) return undefined;
  return routes.find((route) => path.startsWith(route.prefix) && path.length > route.prefix.length);
}

/** Answers a request with `route`; a failure is a 500 without details (logged). */
export async function answerGet(
  route: GetRoute,
  path: string,
  method: string,
  headers: IncomingHttpHeaders,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  let answer: GetAnswer;
  try {
    answer = await route.handle({ rest: path.slice(route.prefix.length), headers });
  } catch (error) {
    logger.error({ err: error, path }, "a GET route failed");
    answer = {
      status: 500,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: "internal error",
    };
  }
  if (res.headersSent) return;
  const body = typeof answer.body === "string" ? Buffer.from(answer.body) : answer.body;
  res.writeHead(answer.status, {
    ...(body ? { "content-length": String(body.length) } : {}),
    ...answer.headers,
  });
  res.end(method === "HEAD" ? undefined : body);
}
