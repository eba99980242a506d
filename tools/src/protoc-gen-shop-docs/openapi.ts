/**
 * The OpenAPI 3.1 document of the Connect protocol's HTTP/JSON face of every service: unary methods as
 * POST (and GET for side-effect-free ones), streaming methods as far as OpenAPI can say, and every event
 * as a webhook (how Knative delivers it to a subscriber).
 */
import type { DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { commentOf, enumSchema, type JsonSchema, messageSchema, reachableTypes } from "./json-schema.ts";
import { webhook } from "./webhooks.ts";
import type { Consumer } from "./wiring.ts";

/** What the document is made of. */
export interface OpenApiInput {
  services: DescService[];
  events: DescMessage[];
  consumers: (type: string) => Consumer[];
  /** The Kafka topic of the Broker. */
  topic: string;
}

/** Where a named schema is. */
export const ref = (typeName: string) => `#/components/schemas/${typeName}`;
const ERROR = "#/components/schemas/connect.error";

const CONNECT_CODES = [
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
];

const INTRO = `Every Shop service speaks the Connect protocol (and gRPC and gRPC-Web) on one port; this document
describes its HTTP/JSON face. A unary call is \`POST /<package>.<Service>/<Method>\` with a JSON body and
\`Content-Type: application/json\` (\`application/proto\` takes the binary encoding); side-effect-free
methods can also be called with \`GET\` and the request in the query string, so HTTP caches can keep them.
Messages follow the protobuf JSON mapping: lowerCamel field names, 64-bit integers as strings, enums by
name, timestamps as RFC 3339 strings; fields at their default value are left out.

Errors answer a non-200 status with \`{"code": "...", "message": "..."}\`; the message is a sentence meant
for a person. Calls that act as a customer or an administrator carry \`Authorization: Bearer <access token>\`
from \`IdentityService/Login\`; each function decides per method who may call it (anonymous, customer or
admin) and answers \`unauthenticated\` or \`permission_denied\` otherwise.

Generated from the protos by \`protoc-gen-shop-docs\` (\`pnpm generate\`); do not edit.`;

/** Builds the OpenAPI document. */
export function openApiDocument(input: OpenApiInput): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  const roots: DescMessage[] = [...input.events];
  for (const service of input.services) {
    for (const method of service.methods) {
      roots.push(method.input, method.output);
      paths[`/${service.typeName}/${method.name}`] = pathItem(service, method);
    }
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, desc] of [...reachableTypes(roots)].sort(([a], [b]) => a.localeCompare(b))) {
    schemas[name] = desc.kind === "enum" ? enumSchema(desc) : messageSchema(desc, ref);
  }
  for (const event of input.events) schemas[event.typeName]!["x-cloudevent-type"] = event.typeName;
  schemas["connect.error"] = errorSchema();
  schemas["connect.end-stream"] = endStreamSchema();
  return {
    openapi: "3.1.0",
    info: { title: "Shop API", version: "v1", description: INTRO },
    servers: [{ url: "http://localhost:8080", description: "`pnpm start` on this machine" }],
    security: [{}, { bearerAuth: [] }],
    tags: input.services.map((service) => ({
      name: service.typeName,
      ...(commentOf(service) ? { description: commentOf(service) } : {}),
    })),
    paths,
    webhooks: Object.fromEntries(input.events.map((event) => [event.typeName, webhook(event, input)])),
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "An access token from IdentityService/Login or Refresh.",
        },
      },
    },
  };
}

function pathItem(service: DescService, method: DescMethod): JsonSchema {
  const base = {
    tags: [service.typeName],
    summary: method.name,
    ...(commentOf(method) ? { description: commentOf(method) } : {}),
    responses: {},
  };
  if (method.methodKind !== "unary") return { post: streamingOperation(service, method, base) };
  const post = {
    ...base,
    operationId: `${service.typeName}.${method.name}`,
    parameters: [protocolVersionHeader(), timeoutHeader()],
    requestBody: {
      required: true,
      content: { "application/json": { schema: { $ref: ref(method.input.typeName) } } },
    },
    responses: unaryResponses(method),
  };
  if (method.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return { post };
  const get = {
    ...base,
    operationId: `${service.typeName}.${method.name}.get`,
    description:
      `${base.description ?? ""}\n\nSide-effect-free: may be called with GET, the request in the query string.`.trim(),
    parameters: [
      {
        name: "connect",
        in: "query",
        required: true,
        description: "The Connect protocol version.",
        schema: { type: "string", const: "v1" },
      },
      {
        name: "encoding",
        in: "query",
        required: true,
        description: "The encoding of `message`: `json` (as here) or `proto`.",
        schema: { type: "string", enum: ["json", "proto"] },
      },
      {
        name: "message",
        in: "query",
        required: true,
        description: "The request message, JSON-encoded then percent-encoded (or base64url with `base64=1`).",
        content: { "application/json": { schema: { $ref: ref(method.input.typeName) } } },
      },
      {
        name: "base64",
        in: "query",
        required: false,
        description: "`1` when `message` is base64url-encoded (required for `encoding=proto`).",
        schema: { type: "string", enum: ["1"] },
      },
    ],
    responses: unaryResponses(method),
  };
  return { post, get };
}

function unaryResponses(method: DescMethod): JsonSchema {
  return {
    "200": {
      description: `The ${method.output.name}.`,
      content: { "application/json": { schema: { $ref: ref(method.output.typeName) } } },
    },
    default: {
      description:
        "A Connect error. The HTTP status follows the code: invalid_argument, failed_precondition and " +
        "out_of_range 400, unauthenticated 401, permission_denied 403, not_found 404, already_exists and " +
        "aborted 409, resource_exhausted 429, unimplemented 501, unavailable 503, deadline_exceeded 504, " +
        "others 500.",
      content: { "application/json": { schema: { $ref: ERROR } } },
    },
  };
}

function streamingOperation(service: DescService, method: DescMethod, base: JsonSchema): JsonSchema {
  const kind = method.methodKind.replace("_", "-");
  const envelope =
    "OpenAPI cannot fully describe a Connect stream: the body is a sequence of enveloped messages, each a " +
    "1-byte flag (0 = message, 2 = end of stream), a 4-byte big-endian length and that many bytes of JSON. " +
    "The schema below is the one of each message; the stream ends with an end-of-stream envelope " +
    "(`connect.end-stream`), which carries any error. Use a Connect client (connect-web, connect-node) for it.";
  return {
    ...base,
    operationId: `${service.typeName}.${method.name}`,
    description: `${String(base.description ?? "")}\n\n**${kind} stream.** ${envelope}`.trim(),
    "x-connect-streaming": kind,
    parameters: [protocolVersionHeader(), timeoutHeader()],
    requestBody: {
      required: true,
      content: { "application/connect+json": { schema: { $ref: ref(method.input.typeName) } } },
    },
    responses: {
      "200": {
        description: `A stream of ${method.output.name} messages, then the end-of-stream message.`,
        content: {
          "application/connect+json": {
            schema: { oneOf: [{ $ref: ref(method.output.typeName) }, { $ref: ref("connect.end-stream") }] },
          },
        },
      },
      default: {
        description: "A Connect error before the stream started.",
        content: { "application/json": { schema: { $ref: ERROR } } },
      },
    },
  };
}

function protocolVersionHeader(): JsonSchema {
  return {
    name: "Connect-Protocol-Version",
    in: "header",
    required: false,
    description: "The Connect protocol version; clients send 1.",
    schema: { type: "string", const: "1" },
  };
}

function timeoutHeader(): JsonSchema {
  return {
    name: "Connect-Timeout-Ms",
    in: "header",
    required: false,
    description: "A deadline for the call, in milliseconds.",
    schema: { type: "string", pattern: "^[0-9]{1,10}$" },
  };
}

function errorSchema(): JsonSchema {
  return {
    type: "object",
    description: "The body of a Connect error.",
    required: ["code"],
    properties: {
      code: { type: "string", enum: CONNECT_CODES, description: "The Connect error code." },
      message: { type: "string", description: "What went wrong, as a sentence for a person." },
      details: {
        type: "array",
        description: "Typed error details, if any.",
        items: {
          type: "object",
          properties: {
            type: { type: "string", description: "The full name of the detail's message." },
            value: { type: "string", contentEncoding: "base64" },
            debug: {},
          },
        },
      },
    },
  };
}

function endStreamSchema(): JsonSchema {
  return {
    type: "object",
    description: "The last message of a Connect stream (envelope flag 2).",
    properties: {
      error: { $ref: ERROR },
      metadata: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
    },
  };
}
