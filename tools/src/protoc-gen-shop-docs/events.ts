/**
 * The event catalogue: every event (a message of an `events.proto`), its CloudEvent type, producer,
 * consumers and fields, as JSON (events.json) and as Markdown (events.md).
 */
import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { commentOf, reachableTypes } from "./json-schema.ts";
import { type Consumer, producerOf } from "./wiring.ts";

/** One field of an event or of a type it uses. */
export interface CatalogueField {
  name: string;
  jsonName: string;
  number: number;
  /** As in the proto: `string`, `repeated shop.orders.v1.OrderLine`, `map<string, int32>`. */
  type: string;
  oneof?: string;
  description?: string;
}

/** One event. */
export interface CatalogueEvent {
  /** The CloudEvent `type`: the message's full name. */
  type: string;
  name: string;
  description?: string;
  producer: string;
  source: string;
  dataContentType: string;
  dataSchema: string;
  file: string;
  consumers: Consumer[];
  fields: CatalogueField[];
}

/** The whole catalogue (events.json). */
export interface Catalogue {
  topic: string;
  events: CatalogueEvent[];
  /** Messages and enums the events use, by full name. */
  types: Record<
    string,
    | { kind: "message"; description?: string; fields: CatalogueField[] }
    | { kind: "enum"; description?: string; values: { name: string; number: number; description?: string }[] }
  >;
}

/** Builds the catalogue of `events`. */
export function eventCatalogue(
  events: DescMessage[],
  consumers: (type: string) => Consumer[],
  topic: string,
): Catalogue {
  const types: Catalogue["types"] = {};
  const eventNames = new Set(events.map((e) => e.typeName));
  for (const [name, desc] of [...reachableTypes(events)].sort(([a], [b]) => a.localeCompare(b))) {
    if (eventNames.has(name)) continue;
    types[name] =
      desc.kind === "enum"
        ? enumEntry(desc)
        : { kind: "message", ...described(desc), fields: fieldsOf(desc) };
  }
  return {
    topic,
    events: events.map((event) => ({
      type: event.typeName,
      name: event.name,
      ...described(event),
      producer: producerOf(event.typeName),
      source: `/functions/${producerOf(event.typeName)}`,
      dataContentType: "application/protobuf",
      dataSchema: `buf:${event.typeName}`,
      file: `${event.file.name}.proto`,
      consumers: consumers(event.typeName),
      fields: fieldsOf(event),
    })),
    types,
  };
}

function described(desc: Parameters<typeof commentOf>[0]): { description?: string } {
  const description = commentOf(desc);
  return description ? { description } : {};
}

function enumEntry(desc: DescEnum): Catalogue["types"][string] {
  return {
    kind: "enum",
    ...described(desc),
    values: desc.values.map((v) => ({ name: v.name, number: v.number, ...described(v) })),
  };
}

function fieldsOf(message: DescMessage): CatalogueField[] {
  return message.fields.map((field) => ({
    name: field.name,
    jsonName: field.jsonName,
    number: field.number,
    type: typeOf(field),
    ...(field.oneof ? { oneof: field.oneof.name } : {}),
    ...described(field),
  }));
}

function scalarName(scalar: ScalarType): string {
  return ScalarType[scalar].toLowerCase();
}

function typeOf(field: DescField): string {
  switch (field.fieldKind) {
    case "scalar":
      return scalarName(field.scalar);
    case "enum":
      return field.enum.typeName;
    case "message":
      return field.message.typeName;
    case "list":
      return `repeated ${field.listKind === "scalar" ? scalarName(field.scalar) : (field.enum ?? field.message)!.typeName}`;
    case "map": {
      const value =
        field.mapKind === "scalar" ? scalarName(field.scalar) : (field.enum ?? field.message)!.typeName;
      return `map<${scalarName(field.mapKey)}, ${value}>`;
    }
  }
}

const cell = (text: string | undefined) => (text ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");

/** The catalogue as Markdown. */
export function catalogueMarkdown(catalogue: Catalogue): string {
  const out: string[] = [
    "# Shop events",
    "",
    "Generated from the protos and the Triggers in `knative/` by `protoc-gen-shop-docs` (`pnpm generate`); do not edit.",
    "",
    `Every event is a CloudEvent on the Kafka topic \`${catalogue.topic}\` (Knative's Kafka broker, binary content mode:`,
    "`ce_*` headers, record value = the binary protobuf message, record key = the `partitionkey` extension).",
    "`type` is the message's full name, `source` is `/functions/<producer>`, `subject` and `partitionkey` are the",
    "aggregate id (the order id for the purchase saga), `datacontenttype` is `application/protobuf` and",
    "`dataschema` is `buf:<type>`. Events a subscriber cannot take end up on the dead-letter topic",
    "(`shop dlq list`).",
    "",
    "| event | producer | consumers |",
    "| --- | --- | --- |",
    ...catalogue.events.map(
      (e) =>
        `| [${e.name}](#${e.name.toLowerCase()}) | ${e.producer} | ${e.consumers.map((c) => c.function).join(", ") || "–"} |`,
    ),
    "",
  ];
  for (const event of catalogue.events) {
    out.push(`## ${event.name}`, "", `\`${event.type}\``, "");
    if (event.description) out.push(event.description, "");
    out.push(`- producer: **${event.producer}** (source \`${event.source}\`), defined in \`${event.file}\``);
    const consumers = event.consumers.map(
      (c) => `**${c.function}** (Trigger \`${c.trigger}\`, ${c.ordered ? "ordered" : "unordered"})`,
    );
    out.push(
      `- consumers: ${consumers.join(", ") || "none in knative/ (external consumers read the topic)"}`,
      "",
    );
    out.push(...fieldTable(event.fields), "");
  }
  if (Object.keys(catalogue.types).length > 0) out.push("## Types used by events", "");
  for (const [name, type] of Object.entries(catalogue.types)) {
    out.push(`### ${name}`, "");
    if (type.description) out.push(type.description, "");
    if (type.kind === "message") out.push(...fieldTable(type.fields), "");
    else {
      out.push("| value | number | description |", "| --- | --- | --- |");
      for (const v of type.values) out.push(`| \`${v.name}\` | ${v.number} | ${cell(v.description)} |`);
      out.push("");
    }
  }
  return out.join("\n");
}

function fieldTable(fields: CatalogueField[]): string[] {
  return [
    "| field (JSON name) | type | description |",
    "| --- | --- | --- |",
    ...fields.map(
      (f) =>
        `| \`${f.name}\` (\`${f.jsonName}\`) = ${f.number} | \`${f.type}\` | ${cell(
          [f.oneof ? `One of \`${f.oneof}\`.` : "", f.description ?? ""].filter(Boolean).join(" "),
        )} |`,
    ),
  ];
}
