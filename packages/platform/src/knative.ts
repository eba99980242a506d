/**
 * `@shop/platform/knative`: the platform's reading of knative/ (Brokers, Triggers, KafkaSinks) and
 * Knative's Trigger filters, alone. For what runs before the code is generated (the docs protoc
 * plugin): it loads no function, no runtime and no generated code.
 */
export { type Attributes, type Filter, matches } from "./runner/filters.ts";
export {
  type Broker,
  type Delivery,
  type Destination,
  type KafkaSink,
  loadManifests,
  type Manifests,
  type ObjectRef,
  parseManifests,
  type Trigger,
} from "./runner/manifests.ts";
