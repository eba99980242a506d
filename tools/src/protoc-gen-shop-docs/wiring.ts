/**
 * Who consumes an event, read from the Triggers in `knative/` (the single source of truth for event
 * wiring). The plugin reads them itself, relative to the directory `buf generate` runs in: a protoc
 * plugin only receives the protos, and a post-step would be a second command to keep in step.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Manifests, matches, parseManifests } from "@shop/platform/knative";
import { parseAllDocuments } from "yaml";

/** A Trigger that delivers an event type, and to whom. */
export interface Consumer {
  /** The subscriber: a function name for a Service ref, else the subscriber URI. */
  function: string;
  trigger: string;
  /** Delivered one at a time per partition key. */
  ordered: boolean;
}

/** Reads the manifests of `dir` synchronously (a protoc plugin answers synchronously). */
export function readManifests(dir: string): Manifests {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const documents = files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8")).map((parsed) => {
      if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]!.message}`);
      return { doc: parsed.toJS() as unknown, file };
    }),
  );
  return parseManifests(documents);
}

/** The producer of an event: the domain of its proto package (`shop.orders.v1.OrderPlaced` → orders). */
export function producerOf(typeName: string): string {
  return typeName.split(".")[1] ?? "";
}

/** The Triggers whose filters pass an event of `type` as its producer publishes it. */
export function consumersOf(manifests: Manifests, type: string): Consumer[] {
  const attributes = {
    type,
    source: `/functions/${producerOf(type)}`,
    specversion: "1.0",
    datacontenttype: "application/protobuf",
  };
  return manifests.triggers
    .filter((trigger) => trigger.filters.length > 0 && matches(trigger.filters, attributes))
    .map((trigger) => ({
      function: trigger.subscriber.ref?.name ?? trigger.subscriber.uri ?? "?",
      trigger: trigger.name,
      ordered: trigger.ordered,
    }))
    .sort((a, b) => a.function.localeCompare(b.function));
}
