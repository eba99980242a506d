/**
 * The OpenTelemetry Collector of the cluster (infra/cluster/otel-collector), checked on what the real
 * kustomize builds: its config parses and every pipeline names declared components; logs go to the
 * Kafka topic shop.logs on the cluster's Kafka, as written (raw), from the containers of exactly the
 * functions; traces and metrics have their pipelines; both overlays run it, and every function sends
 * OTLP to its Service.
 */
import { join } from "node:path";
import { functionNames, repoRoot } from "@shop/platform";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isObject, type K8sObject, kustomizeBuild, readDocs } from "./manifests.ts";

const objectsOf = async (dir: string) =>
  (await kustomizeBuild(join(repoRoot, dir), repoRoot)).map((d) => d.doc).filter(isObject);
const collector = await objectsOf("infra/cluster/otel-collector");
const overlays = {
  local: await objectsOf("knative/overlays/local"),
  production: await objectsOf("knative/overlays/production"),
};
const find = (list: K8sObject[], kind: string, name: string) =>
  list.find((o) => o.kind === kind && o.metadata.name === name);
const get = (value: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)?.[key], value);

interface CollectorConfig {
  extensions: Record<string, unknown>;
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  service: {
    extensions: string[];
    pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
  };
}
const daemonSet = find(collector, "DaemonSet", "otel-collector")!;
const container = get(daemonSet, "spec", "template", "spec", "containers", 0) as Record<string, unknown>;
const configMapName = (
  get(daemonSet, "spec", "template", "spec", "volumes") as Array<Record<string, unknown>>
)
  .map((v) => get(v, "configMap", "name"))
  .find(Boolean) as string;
const configMap = find(collector, "ConfigMap", configMapName);
const config = parse(String(get(configMap, "data", "config.yaml"))) as CollectorConfig;
const pipelines = config.service.pipelines;

describe("the OpenTelemetry Collector (infra/cluster/otel-collector)", () => {
  it("runs the config kustomize generated, from the file the args name", () => {
    expect(configMap, `the ConfigMap ${configMapName} the DaemonSet mounts`).toBeDefined();
    expect(configMapName).toMatch(/^otel-collector-config-[a-z0-9]+$/);
    expect(container.args).toEqual(["--config=/conf/config.yaml"]);
    expect(container.image).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
  });

  it("has pipelines that name only declared receivers, processors and exporters, and uses every receiver", () => {
    expect(Object.keys(pipelines).sort()).toEqual(["logs", "metrics", "traces"]);
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const kind of ["receivers", "processors", "exporters"] as const) {
        expect(pipeline[kind].length, `${name} ${kind}`).toBeGreaterThan(0);
        for (const id of pipeline[kind]) expect(Object.keys(config[kind]), `${name}: ${id}`).toContain(id);
      }
    }
    for (const id of config.service.extensions) expect(Object.keys(config.extensions)).toContain(id);
    const used = new Set(Object.values(pipelines).flatMap((p) => p.receivers));
    expect([...used].sort()).toEqual(Object.keys(config.receivers).sort());
  });

  it("takes OTLP over gRPC and HTTP on the ports its Service serves", () => {
    const otlp = config.receivers.otlp as { protocols: Record<string, { endpoint: string }> };
    expect(otlp.protocols.grpc?.endpoint).toBe("0.0.0.0:4317");
    expect(otlp.protocols.http?.endpoint).toBe("0.0.0.0:4318");
    const ports = get(find(collector, "Service", "otel-collector"), "spec", "ports") as Array<{
      port: number;
    }>;
    expect(ports.map((p) => p.port)).toEqual(expect.arrayContaining([4317, 4318, 8889]));
    for (const name of Object.keys(pipelines)) expect(pipelines[name]!.receivers).toContain("otlp");
  });

  it("ships the functions' log lines as written to shop.logs on the cluster's Kafka", async () => {
    const [exporterId] = pipelines.logs!.exporters;
    expect(exporterId).toMatch(/^kafka(\/|$)/);
    const kafka = config.exporters[exporterId!] as {
      brokers: string[];
      logs: { topic: string; encoding: string };
    };
    expect(kafka.logs).toEqual({ topic: "shop.logs", encoding: "raw" });
    const cluster = (await readDocs(join(repoRoot, "infra", "cluster", "kafka", "kafka.yaml")))
      .map((d) => d.doc)
      .filter(isObject);
    const bootstrap = find(cluster, "Kafka", "shop-kafka")!;
    const port = get(bootstrap, "spec", "kafka", "listeners", 0, "port");
    expect(kafka.brokers).toEqual([`shop-kafka-kafka-bootstrap.kafka:${port}`]);
    const topic = cluster.find((o) => o.kind === "KafkaTopic" && get(o, "spec", "topicName") === "shop.logs");
    expect(topic, "a KafkaTopic shop.logs").toBeDefined();
  });

  it("reads the log files of exactly the functions' containers, from the node", () => {
    const filelog = config.receivers.filelog as { include: string[] };
    expect(pipelines.logs!.receivers).toContain("filelog");
    const names = /^\/var\/log\/pods\/shop_\*\/\{([^}]+)\}\/\*\.log$/.exec(filelog.include[0] ?? "")?.[1];
    expect(names?.split(",").sort()).toEqual([...functionNames].sort());
    const mounts = container.volumeMounts as Array<{ mountPath: string; readOnly?: boolean }>;
    expect(mounts).toContainEqual(expect.objectContaining({ mountPath: "/var/log/pods", readOnly: true }));
  });

  it("exports traces to a backend it runs (Zipkin) and metrics to Prometheus", () => {
    const traces = pipelines.traces!.exporters;
    expect(traces).toEqual(["zipkin"]);
    const env = Object.fromEntries(
      (container.env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]),
    );
    const zipkin = new URL(env.ZIPKIN_ENDPOINT!);
    const [service, namespace] = zipkin.hostname.split(".");
    const zipkinService = find(collector, "Service", service!);
    expect(zipkinService?.metadata.namespace).toBe(namespace);
    expect(get(zipkinService, "spec", "ports", 0, "port")).toBe(Number(zipkin.port));
    expect(Object.keys(config.exporters)).toContain("otlp/traces");
    expect(pipelines.metrics!.exporters).toEqual(["prometheus"]);
    expect(get(daemonSet, "spec", "template", "metadata", "annotations", "prometheus.io/port")).toBe("8889");
  });

  it.each(Object.entries(overlays))(
    "runs in overlays/%s, every function sending it OTLP",
    (_name, objects) => {
      expect(find(objects, "DaemonSet", "otel-collector")).toBeDefined();
      const service = find(objects, "Service", "otel-collector")!;
      const http = (get(service, "spec", "ports") as Array<{ name: string; port: number }>).find(
        (p) => p.name === "otlp-http",
      )!;
      for (const name of functionNames) {
        const ksvc = objects.find(
          (o) => o.kind === "Service" && o.metadata.name === name && o.apiVersion.startsWith("serving"),
        );
        const env = Object.fromEntries(
          (
            get(ksvc, "spec", "template", "spec", "containers", 0, "env") as Array<{
              name: string;
              value?: string;
            }>
          ).map((e) => [e.name, e.value]),
        );
        expect(env.OTEL_SERVICE_NAME, name).toBe(name);
        expect(env.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe(
          `http://${service.metadata.name}.${service.metadata.namespace}.svc:${http.port}`,
        );
        expect(env.OTEL_EXPORTER_OTLP_PROTOCOL, name).toBe("http/protobuf");
      }
    },
  );
});
