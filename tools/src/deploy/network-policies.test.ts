/**
 * Issue 15's network side and sender identity, on what kustomize builds: only Knative's data plane
 * reaches the functions' pods, only webhooks reaches the internet (443, no private range), only the
 * broker's data plane, the gateway and redrive reach Knative's ingress in production, and every
 * delivery to a function names the audience its server verifies.
 * (manifests.test.ts validates every object, these included, against its schema.)
 */
import { join } from "node:path";
import { functionNames, repoRoot } from "@shop/platform";
import { defaultEventAudience } from "@shop/runtime";
import { describe, expect, it } from "vitest";
import { isObject, type K8sObject, kustomizeBuild, validateObject } from "./manifests.ts";

const build = async (overlay: string) =>
  (await kustomizeBuild(join(repoRoot, "knative", "overlays", overlay), repoRoot))
    .map((d) => d.doc)
    .filter(isObject);
const overlays = { local: await build("local"), production: await build("production") };

interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; values: string[] }[];
  };
}
interface Policy extends K8sObject {
  spec: {
    podSelector: Peer["podSelector"];
    policyTypes: string[];
    ingress: { from: Peer[]; ports?: { port: number; protocol?: string }[] }[];
  };
}

const policy = (objects: K8sObject[], namespace: string, name: string) =>
  objects.find(
    (o) => o.kind === "NetworkPolicy" && o.metadata.name === name && o.metadata.namespace === namespace,
  ) as Policy | undefined;
/** The callers a policy admits, as "namespace: pod labels". */
const peers = (p: Policy) =>
  p.spec.ingress.flatMap((rule) =>
    rule.from.map((peer) => {
      const namespace = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] ?? "any";
      const pods = peer.podSelector?.matchLabels ?? {};
      const listed = (peer.podSelector?.matchExpressions ?? []).map((e) => `${e.key} in ${e.values}`);
      const labels = [...Object.entries(pods).map(([k, v]) => `${k}=${v}`), ...listed];
      return `${namespace}: ${labels.join(", ") || "every pod"}`;
    }),
  );

describe.each(Object.entries(overlays))("overlay %s", (_overlay, objects) => {
  it("lets only Knative's data plane reach the functions' pods, and Prometheus their metrics port", () => {
    const functions = policy(objects, "shop", "functions-ingress");
    expect(functions).toBeDefined();
    expect(functions!.spec.policyTypes).toEqual(["Ingress"]);
    const selected = functions!.spec.podSelector?.matchExpressions?.[0];
    expect(selected?.key).toBe("app.kubernetes.io/name");
    expect([...(selected?.values ?? [])].sort()).toEqual([...functionNames].sort());
    expect(peers(functions!)).toEqual([
      "kourier-system: app=3scale-kourier-gateway",
      "knative-serving: app in activator,autoscaler",
      "knative-eventing: app in kafka-broker-dispatcher,kafka-source-dispatcher",
      "monitoring: app.kubernetes.io/name=prometheus",
    ]);
    // Prometheus (infra/cluster/monitoring's PodMonitor) reaches /metrics on the user port only.
    const scrape = functions!.spec.ingress.find((rule) =>
      rule.from.some(
        (peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring",
      ),
    );
    expect(scrape?.ports).toEqual([{ port: 8080, protocol: "TCP" }]);
    expect(functions!.spec.ingress.filter((rule) => rule !== scrape).every((rule) => !rule.ports)).toBe(true);
  });

  it("names each function's audience on every delivery to it (Trigger subscribers, sources' sinks)", () => {
    const deliveries = objects.flatMap((o) => {
      const spec = (o.spec ?? {}) as Record<
        string,
        { ref?: { kind?: string; name?: string }; audience?: string }
      >;
      const to = o.kind === "Trigger" ? spec.subscriber : spec.sink;
      return to?.ref?.kind === "Service" && functionNames.includes(to.ref.name as never)
        ? [{ id: `${o.kind} ${o.metadata.name}`, audience: to.audience, name: to.ref.name! }]
        : [];
    });
    expect(deliveries.length).toBeGreaterThan(functionNames.length);
    for (const d of deliveries) expect(d.audience, d.id).toBe(defaultEventAudience(d.name));
  });

  it("lets only webhooks out to the internet, on 443 and to no private, loopback or link-local range", () => {
    const egress = objects.filter(
      (o) => o.kind === "NetworkPolicy" && (o.spec as Policy["spec"]).policyTypes.includes("Egress"),
    );
    expect(egress.map((o) => o.metadata.name)).toEqual(["webhooks-egress"]);
    const spec = egress[0]!.spec as {
      podSelector: { matchLabels: Record<string, string> };
      egress: { to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports?: { port: number }[] }[];
    };
    expect(spec.podSelector.matchLabels).toEqual({ "app.kubernetes.io/name": "webhooks" });
    const internet = spec.egress.filter((rule) => rule.to?.some((peer) => peer.ipBlock));
    expect(internet).toHaveLength(1);
    expect(internet[0]!.ports).toEqual([{ port: 443, protocol: "TCP" }]);
    const v4 = internet[0]!.to!.find((peer) => peer.ipBlock?.cidr === "0.0.0.0/0")!.ipBlock!;
    expect(v4.except).toEqual(
      expect.arrayContaining([
        "10.0.0.0/8",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
      ]),
    );
  });
});

describe("overlay production", () => {
  it("lets only the broker's data plane, the gateway, Knative Serving and redrive reach Kourier", () => {
    const entry = policy(overlays.production, "kourier-system", "kourier-entry");
    expect(entry?.spec.podSelector?.matchLabels).toEqual({ app: "3scale-kourier-gateway" });
    expect(peers(entry!)).toEqual([
      "knative-eventing: app in kafka-broker-dispatcher,kafka-source-dispatcher,pingsource-mt-adapter",
      "envoy-gateway-system: gateway.envoyproxy.io/owning-gateway-name=shop",
      "knative-serving: every pod",
      "shop: app.kubernetes.io/name=redrive",
    ]);
    expect(policy(overlays.local, "kourier-system", "kourier-entry")).toBeUndefined();
  });

  it("validates NetworkPolicies against their schema: a malformed one is refused", async () => {
    const entry = policy(overlays.production, "kourier-system", "kourier-entry")!;
    expect(await validateObject(entry)).toEqual([]);
    const broken = { ...entry, spec: { ...entry.spec, ingress: [{ from: "everyone" }] } };
    expect((await validateObject(broken as never)).join("\n")).toMatch(/ingress/);
  });
});
