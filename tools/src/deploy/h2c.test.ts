/**
 * Every function's Knative Service names its one container port `h2c`, in every overlay as kustomize
 * builds it: that is how Knative Serving knows to speak cleartext HTTP/2 to the container (gRPC needs
 * HTTP/2 end to end), and each function's server takes HTTP/1.1 and h2c on that port (knative/README.md).
 */
import { join } from "node:path";
import { functionNames, repoRoot } from "@shop/platform";
import { describe, expect, it } from "vitest";
import { isObject, type K8sObject, kustomizeBuild } from "./manifests.ts";

const overlays = ["knative/overlays/local", "knative/overlays/production"];
const built = new Map<string, K8sObject[]>();
for (const overlay of overlays) {
  const docs = await kustomizeBuild(join(repoRoot, overlay), repoRoot);
  built.set(overlay, docs.map((d) => d.doc).filter(isObject));
}

interface Container {
  ports?: Array<{ name?: string; containerPort?: number }>;
  livenessProbe?: { httpGet?: { port?: number | string } };
  readinessProbe?: { httpGet?: { port?: number | string } };
}

describe.each(overlays)("%s", (overlay) => {
  it.each(functionNames)("runs %s with its port named h2c", (name) => {
    const service = built
      .get(overlay)!
      .find(
        (o) =>
          o.kind === "Service" && o.apiVersion.startsWith("serving.knative.dev/") && o.metadata.name === name,
      );
    expect(service, `${name}'s Knative Service`).toBeDefined();
    const containers = (service as unknown as { spec: { template: { spec: { containers: Container[] } } } })
      .spec.template.spec.containers;
    // Knative routes to one port per Revision: the one the server listens on ($PORT, 8080).
    expect(containers).toHaveLength(1);
    const [container] = containers;
    expect(container!.ports).toEqual([{ name: "h2c", containerPort: 8080 }]);
    expect(container!.livenessProbe?.httpGet?.port).toBe(8080);
    expect(container!.readinessProbe?.httpGet?.port).toBe(8080);
  });
});
