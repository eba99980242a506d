/**
 * JSON Schemas (draft 2020-12, the dialect of OpenAPI 3.1) of protobuf messages and enums as they look
 * in the protobuf JSON mapping: lowerCamel field names, 64-bit integers as decimal strings, enums by name,
 * bytes as base64, well-known types in their special forms (Timestamp as an RFC 3339 string, …).
 */
import { type DescEnum, type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/** Where a named message or enum schema is referenced from (`#/components/schemas/`). */
export type RefOf = (typeName: string) => string;

/** The comment of an element as a description: leading comment, else trailing, whitespace tidied. */
export function commentOf(desc: Parameters<typeof getComments>[0]): string | undefined {
  const comments = getComments(desc);
  const text = (comments.leading ?? comments.trailing ?? "")
    .split("\n")
    .map((line) => line.replace(/^ /, "").trimEnd())
    .join("\n")
    .trim();
  return text || undefined;
}

const INT64 = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/** The JSON Schema of a scalar value. */
export function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return {
        anyOf: [{ type: "number" }, { type: "string", enum: ["NaN", "Infinity", "-Infinity"] }],
        format: scalar === ScalarType.FLOAT ? "float" : "double",
      };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "uint32", minimum: 0, maximum: 4294967295 };
    default:
      if (INT64.has(scalar)) {
        const unsigned = scalar === ScalarType.UINT64 || scalar === ScalarType.FIXED64;
        // The JSON mapping writes 64-bit integers as strings (JavaScript numbers lose precision past 2^53).
        return {
          type: "string",
          format: unsigned ? "uint64" : "int64",
          pattern: unsigned ? "^[0-9]+$" : "^-?[0-9]+$",
          description: "A 64-bit integer as a decimal string (a JSON number is accepted too).",
        };
      }
      return { type: "integer", format: "int32", minimum: -2147483648, maximum: 2147483647 };
  }
}

/** Well-known types have their own JSON form; these are inlined rather than referenced. */
function wellKnownSchema(typeName: string): JsonSchema | undefined {
  switch (typeName) {
    case "google.protobuf.Timestamp":
      return { type: "string", format: "date-time", description: "An RFC 3339 timestamp in UTC." };
    case "google.protobuf.Duration":
      return { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$", description: 'Seconds, e.g. "1.5s".' };
    case "google.protobuf.FieldMask":
      return { type: "string", description: "Comma-separated lowerCamel field paths." };
    case "google.protobuf.Empty":
      return { type: "object", additionalProperties: false };
    case "google.protobuf.Struct":
      return { type: "object" };
    case "google.protobuf.Value":
      return {};
    case "google.protobuf.ListValue":
      return { type: "array" };
    case "google.protobuf.Any":
      return { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"] };
    case "google.protobuf.DoubleValue":
    case "google.protobuf.FloatValue":
      return { anyOf: [{ type: "number" }, { type: "null" }] };
    case "google.protobuf.Int64Value":
    case "google.protobuf.UInt64Value":
      return { type: ["string", "null"], pattern: "^-?[0-9]+$" };
    case "google.protobuf.Int32Value":
    case "google.protobuf.UInt32Value":
      return { type: ["integer", "null"] };
    case "google.protobuf.BoolValue":
      return { type: ["boolean", "null"] };
    case "google.protobuf.StringValue":
      return { type: ["string", "null"] };
    case "google.protobuf.BytesValue":
      return { type: ["string", "null"], contentEncoding: "base64" };
    default:
      return undefined;
  }
}

/** True for messages whose JSON form is special (so they get no schema of their own). */
export function isWellKnown(message: DescMessage): boolean {
  return wellKnownSchema(message.typeName) !== undefined;
}

/** The schema of a reference to a message: the well-known form, or a `$ref` to its component. */
function messageRef(message: DescMessage, refOf: RefOf): JsonSchema {
  return wellKnownSchema(message.typeName) ?? { $ref: refOf(message.typeName) };
}

/** The schema of one value of a field (an element for a list, a value for a map). */
function valueSchema(field: DescField, refOf: RefOf): JsonSchema {
  switch (field.fieldKind) {
    case "scalar":
      return scalarSchema(field.scalar);
    case "enum":
      return { $ref: refOf(field.enum.typeName) };
    case "message":
      return messageRef(field.message, refOf);
    case "list":
      if (field.listKind === "scalar") return scalarSchema(field.scalar);
      if (field.listKind === "enum") return { $ref: refOf(field.enum.typeName) };
      return messageRef(field.message, refOf);
    case "map":
      if (field.mapKind === "scalar") return scalarSchema(field.scalar);
      if (field.mapKind === "enum") return { $ref: refOf(field.enum.typeName) };
      return messageRef(field.message, refOf);
  }
}

/** The schema of a field's JSON value, with its comment as description. */
export function fieldSchema(field: DescField, refOf: RefOf): JsonSchema {
  const value = valueSchema(field, refOf);
  let schema: JsonSchema =
    field.fieldKind === "list"
      ? { type: "array", items: value }
      : field.fieldKind === "map"
        ? { type: "object", additionalProperties: value, propertyNames: mapKeySchema(field) }
        : value;
  const description = commentOf(field);
  if (description) {
    // A $ref with siblings is allowed in 3.1, but keep descriptions of the field apart from the type's.
    schema =
      "$ref" in schema
        ? { ...schema, description }
        : { ...schema, description: joinText(schema, description) };
  }
  return schema;
}

function joinText(schema: JsonSchema, description: string): string {
  return typeof schema.description === "string" ? `${description}\n\n${schema.description}` : description;
}

function mapKeySchema(field: DescField): JsonSchema {
  if (field.fieldKind !== "map") return {};
  if (field.mapKey === ScalarType.BOOL) return { enum: ["true", "false"] };
  if (field.mapKey === ScalarType.STRING) return { type: "string" };
  return { pattern: "^-?[0-9]+$" };
}

/**
 * The schema of a message: an object of its fields by JSON name, none required (proto3 omits defaults).
 * Members of a oneof exclude each other (`dependentSchemas`).
 */
export function messageSchema(message: DescMessage, refOf: RefOf): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of message.fields) properties[field.jsonName] = fieldSchema(field, refOf);
  const schema: JsonSchema = { type: "object", properties };
  const description = commentOf(message);
  if (description) schema.description = description;
  const exclusive: Record<string, JsonSchema> = {};
  for (const oneof of message.oneofs) {
    const names = oneof.fields.map((f) => f.jsonName);
    for (const name of names) {
      exclusive[name] = { not: { anyOf: names.filter((n) => n !== name).map((n) => ({ required: [n] })) } };
    }
    const list = names.map((n) => `\`${n}\``).join(", ");
    schema.description = `${schema.description ? `${schema.description}\n\n` : ""}At most one of ${list} (oneof \`${oneof.name}\`).`;
  }
  if (Object.keys(exclusive).length > 0) schema.dependentSchemas = exclusive;
  return schema;
}

/** The schema of an enum: its value names (the JSON mapping also accepts the numbers when reading). */
export function enumSchema(desc: DescEnum): JsonSchema {
  const lines = desc.values
    .map((v) => {
      const comment = commentOf(v);
      return comment ? `- \`${v.name}\`: ${comment}` : undefined;
    })
    .filter(Boolean);
  const description = [commentOf(desc), lines.join("\n")].filter(Boolean).join("\n\n");
  return {
    type: "string",
    enum: desc.values.map((v) => v.name),
    ...(description ? { description } : {}),
  };
}

/** Every message and enum reachable from `roots` through fields, well-known types left out, by name. */
export function reachableTypes(roots: DescMessage[]): Map<string, DescMessage | DescEnum> {
  const found = new Map<string, DescMessage | DescEnum>();
  const visit = (desc: DescMessage | DescEnum) => {
    if (found.has(desc.typeName)) return;
    if (desc.kind === "message" && isWellKnown(desc)) return;
    found.set(desc.typeName, desc);
    if (desc.kind === "enum") return;
    for (const field of desc.fields) {
      if (field.enum) visit(field.enum);
      if (field.message) visit(field.message);
    }
  };
  for (const root of roots) visit(root);
  return found;
}
