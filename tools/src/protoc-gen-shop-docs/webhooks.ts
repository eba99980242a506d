/**
 * Events in the OpenAPI document, as webhooks: how Knative delivers each one to a subscriber.
 */
import type { DescMessage } from "@bufbuild/protobuf";
import { commentOf, type JsonSchema } from "./json-schema.ts";
import { type Consumer, producerOf } from "./wiring.ts";

/** What a webhook needs of the document's input (`OpenApiInput`): who consumes, and on which topic. */
export interface WebhookInput {
  consumers: (type: string) => Consumer[];
  topic: string;
}

/** The webhook of one event: a CloudEvent in binary mode POSTed to the subscriber's `/`. */
export function webhook(event: DescMessage, input: WebhookInput): JsonSchema {
  const producer = producerOf(event.typeName);
  const consumers = input.consumers(event.typeName);
  const who = consumers.length
    ? `Consumed by ${consumers.map((c) => `${c.function} (Trigger ${c.trigger})`).join(", ")}.`
    : "No Trigger in knative/ consumes it.";
  const ce = (name: string, description: string, schema: JsonSchema = { type: "string" }) => ({
    name,
    in: "header",
    required: true,
    description,
    schema,
  });
  return {
    post: {
      summary: event.name,
      description:
        `${commentOf(event) ?? ""}\n\nProduced by ${producer} on the Kafka topic ${input.topic}; ${who} ` +
        "Knative delivers it to the subscriber's `/` as a CloudEvent in binary mode: `ce-*` headers and the " +
        "binary protobuf message as the body (structured mode, `application/cloudevents+json` with " +
        "`data_base64`, is accepted too). Its JSON form is the schema named after the type.",
      operationId: `event.${event.typeName}`,
      parameters: [
        ce("ce-type", "The event type.", { type: "string", const: event.typeName }),
        ce("ce-source", "The producing function.", { type: "string", const: `/functions/${producer}` }),
        ce("ce-id", "Unique per source; a redelivery has the same id."),
        ce("ce-specversion", "CloudEvents version.", { type: "string", const: "1.0" }),
        ce("ce-subject", "The aggregate id (the order id in the purchase saga)."),
        ce("ce-partitionkey", "The aggregate id: events of one key arrive in order."),
        ce("ce-time", "When it happened.", { type: "string", format: "date-time" }),
      ],
      requestBody: {
        required: true,
        content: {
          "application/protobuf": {
            schema: { type: "string", contentMediaType: "application/protobuf" },
          },
        },
      },
      responses: {
        "202": { description: "Accepted (any 2xx); an unknown type is accepted and ignored." },
        "400": { description: "Malformed: the broker dead-letters it without retrying." },
        "500": { description: "Failed: the broker retries with backoff, then dead-letters it." },
      },
    },
  };
}
