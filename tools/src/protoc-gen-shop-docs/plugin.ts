/**
 * protoc-gen-shop-docs: generates the API docs of Shop from its protos (`pnpm generate` runs it through
 * buf.gen.yaml): `openapi.json` (OpenAPI 3.1 of the Connect HTTP/JSON endpoints and the events as
 * webhooks), `events.json` and `events.md` (the event catalogue).
 *
 * Options: `knative=<dir>` (default `knative`), the Knative manifests whose Triggers name each event's
 * consumers and whose Broker names the topic, relative to the directory buf runs in.
 */
import { create, createFileRegistry, type DescMessage, type DescService } from "@bufbuild/protobuf";
import {
  type CodeGeneratorRequest,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import type { Plugin } from "@bufbuild/protoplugin";
import { catalogueMarkdown, eventCatalogue } from "./events.ts";
import { openApiDocument } from "./openapi.ts";
import { consumersOf, readManifests } from "./wiring.ts";

/** The files the plugin writes, by name, for a request. */
export function generateDocs(request: CodeGeneratorRequest): Record<string, string> {
  const options = Object.fromEntries(
    request.parameter
      .split(",")
      .filter(Boolean)
      .map((pair) => {
        const [key = "", value = ""] = pair.split("=");
        return [key.trim(), value.trim()];
      }),
  );
  const manifests = readManifests(options.knative ?? "knative/base");
  const topic = manifests.brokers[0]?.topic ?? "shop.events";
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile }));
  const files = request.fileToGenerate.map((name) => {
    const file = registry.getFile(name);
    if (!file) throw new Error(`protoc-gen-shop-docs: ${name} is not in the request`);
    return file;
  });
  const services: DescService[] = files.flatMap((file) => file.services);
  const events = files
    .filter((file) => file.name.endsWith("/events") || file.name === "events")
    .flatMap((file) => eventsOf(file.messages));
  const consumers = (type: string) => consumersOf(manifests, type);
  const catalogue = eventCatalogue(events, consumers, topic);
  return {
    "openapi.json": `${JSON.stringify(openApiDocument({ services, events, consumers, topic }), null, 2)}\n`,
    "events.json": `${JSON.stringify(catalogue, null, 2)}\n`,
    "events.md": catalogueMarkdown(catalogue),
  };
}

/**
 * The events of an `events.proto`: its messages, less those only used as parts of the others
 * (`ReservedLine` inside `StockReserved` is a type, not an event).
 */
export function eventsOf(messages: DescMessage[]): DescMessage[] {
  const parts = new Set(messages.flatMap((m) => m.fields.map((f) => f.message?.typeName)));
  return messages.filter((m) => !parts.has(m.typeName));
}

/** The plugin, for `runNodeJs`. */
export const shopDocsPlugin: Plugin = {
  name: "protoc-gen-shop-docs",
  version: "v1",
  run(request) {
    const generated = generateDocs(request);
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: Object.entries(generated).map(([name, content]) => ({ name, content })),
    });
  },
};
