/**
 * What the cluster runs, checked without a cluster: every kustomization in the repository builds with
 * the real kustomize (`kubectl kustomize`, what `kubectl apply -k` and infra/cluster/up.sh apply), and
 * what it builds is checked, as are the other manifests under infra/cluster/: every object is valid,
 * every function has a Knative Service and a func.yaml that agree, every reference resolves, no
 * manifest carries a secret, and the local runner plays exactly the cluster's Triggers.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  functionNames,
  knativeDir,
  loadManifests,
  parseManifests,
  repoRoot,
  shopFunctions,
} from "@shop/platform";
import { JWKS_HTTP_PATH, TOKEN_AUDIENCE, TOKEN_ISSUER } from "@shop/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type Doc,
  FUNC_SECRET,
  isObject,
  isTekton,
  type K8sObject,
  kustomizationDirs,
  kustomizeBuild,
  literalSecrets,
  readDocs,
  shortPath,
  validateObject,
  yamlFiles,
} from "./manifests.ts";

const knativeRoot = join(repoRoot, "knative");
const clusterDir = join(repoRoot, "infra", "cluster");
const files = [...(await yamlFiles(knativeRoot)), ...(await yamlFiles(clusterDir))];
const docs = (await Promise.all(files.map(readDocs))).flat();
// Every kustomization of the repository, built by kustomize itself.
const kustomizations = await kustomizationDirs(repoRoot);
const builds = new Map<string, Doc[]>();
for (const dir of kustomizations) builds.set(relative(repoRoot, dir), await kustomizeBuild(dir, repoRoot));
const built = (dir: string) => {
  const found = builds.get(dir);
  if (!found) throw new Error(`${dir} has no kustomization`);
  return found;
};
const objectsOf = (list: Doc[]) => list.map((d) => d.doc).filter(isObject);
// What the overlays apply: local is what infra/cluster/up.sh applies, production what a pipeline does.
const overlays = { local: built("knative/overlays/local"), production: built("knative/overlays/production") };
// The functions as func.yaml deploys them (production keeps their image names).
const objects = objectsOf(overlays.production);
const localObjects = objectsOf(overlays.local);
const clusterObjects = docs
  .filter((d) => d.file.startsWith(clusterDir))
  .map((d) => d.doc)
  .filter(isObject);
const names = functionNames;
const id = (o: K8sObject) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;

const find = (list: K8sObject[], kind: string, name: string) =>
  list.find((o) => o.kind === kind && o.metadata.name === name);
const get = (value: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)?.[key], value);

interface FuncYaml {
  name: string;
  image: string;
  run?: { envs?: Array<{ name: string; value: string }> };
  deploy: Record<string, unknown> & {
    annotations?: Record<string, string>;
    labels?: Array<{ key: string; value: string }>;
    healthEndpoints: { liveness: string; readiness: string };
    options?: { resources?: { requests?: object; limits?: Record<string, unknown> } };
  };
  [key: string]: unknown;
}
const funcYaml = (name: string) =>
  parse(readFileSync(join(repoRoot, "functions", name, "func.yaml"), "utf8")) as FuncYaml;

describe("every manifest", () => {
  it("is built by kustomize, every kustomization of the repository", () => {
    expect([...builds.keys()]).toEqual(
      expect.arrayContaining([
        "knative/base",
        "knative/examples",
        "knative/overlays/local",
        "knative/overlays/production",
      ]),
    );
    for (const [dir, output] of builds) expect(objectsOf(output).length, dir).toBeGreaterThan(0);
  });

  it("parses, and each object (as written and as kustomize builds it) validates against its schema", async () => {
    expect(files.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { doc, file } of [...docs, ...[...builds.values()].flat()]) {
      // Tekton's objects are validated together, by tools/src/deploy/pipeline.test.ts.
      if (!isObject(doc) || isTekton(doc)) continue;
      for (const problem of await validateObject(doc)) {
        problems.push(`${file.startsWith("kubectl") ? file : shortPath(repoRoot, file)}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("and func.yaml carries no literal secret", async () => {
    const funcDocs = (
      await Promise.all(names.map((n) => readDocs(join(repoRoot, "functions", n, "func.yaml"))))
    ).flat();
    const found = [...docs, ...[...builds.values()].flat(), ...funcDocs].flatMap(({ doc, file }) =>
      literalSecrets(doc).map(
        (f) => `${file.startsWith("kubectl") ? file : shortPath(repoRoot, file)}: ${f}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it("the secret search finds what it is for", () => {
    const leaky = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "x" },
      stringData: { password: "hunter2" },
      spec: {
        env: [
          { name: "DATABASE_URL", value: "postgres://orders:s3cret@db:5432/shop" },
          { name: "PAYMENT_API_KEY", value: "abc" },
          { name: "OK_SECRET", value: "{{ secret:orders-db:url }}" },
        ],
        token: "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2ln",
        sql: ["ALTER ROLE x PASSWORD 'p'"],
        blob: "q8Jw3Zr0Lk2Vd7Yt1Nf5Hs9Bx4Mc6Pa",
      },
    };
    expect(literalSecrets(leaky)).toHaveLength(8);
    expect(FUNC_SECRET.exec("{{ secret:orders-db:url }}")?.slice(1)).toEqual(["orders-db", "url"]);
  });
});

describe("knative/", () => {
  it("puts every object of its files into a build: nothing under knative/ is left out", () => {
    const builtIds = new Set([...builds.values()].flatMap((list) => objectsOf(list).map(id)));
    const knativeObjects = docs.filter(
      (d) => d.file.startsWith(knativeRoot) && isObject(d.doc) && d.doc.kind !== "Kustomization",
    );
    const unbuilt = knativeObjects.filter((d) => !builtIds.has(id(d.doc as K8sObject)));
    expect(unbuilt.map((d) => `${shortPath(repoRoot, d.file)}: ${id(d.doc as K8sObject)}`)).toEqual([]);
  });

  it.each(Object.keys(overlays) as Array<keyof typeof overlays>)(
    "gives the local runner exactly the Broker, Triggers, KafkaSinks and KafkaSources that overlays/%s applies",
    async (overlay) => {
      const runner = await loadManifests(knativeDir);
      const cluster = parseManifests(overlays[overlay]);
      const byName = <T extends { name: string }>(list: T[]) =>
        [...list].sort((a, b) => a.name.localeCompare(b.name));
      expect(byName(runner.triggers)).toEqual(byName(cluster.triggers));
      // Every function that consumes anything has its Trigger(s) or its KafkaSource.
      const fed = [
        ...runner.triggers.map((t) => t.subscriber.ref?.name),
        ...runner.kafkaSources.map((s) => s.sink.ref?.name),
      ];
      for (const f of shopFunctions.filter((f) => (f.subscriptions ?? []).length > 0))
        expect(fed, f.name).toContain(f.name);
      expect(runner.brokers).toEqual(cluster.brokers);
      expect(runner.kafkaSinks).toEqual(cluster.kafkaSinks);
      // The runner plays the KafkaSources into functions (redrive's on the dead-letter topic,
      // webhooks' and analytics' on the events topic), not the example consumer of overlays/local (knative/examples).
      const intoFunctions = cluster.kafkaSources.filter((s) => names.includes(s.sink.ref?.name ?? ""));
      expect(runner.kafkaSources).toEqual(intoFunctions);
      expect(runner.kafkaSources.map((s) => s.topics).sort()).toEqual([
        ["shop.events"],
        ["shop.events"],
        ["shop.events.dlq"],
      ]);
    },
  );

  it.each([...Object.entries(overlays)])(
    "overlays/%s: every Trigger, PingSource and KafkaSource reaches an existing sink",
    (_overlay, output) => {
      const list = objectsOf(output);
      const refs = list.flatMap((o) => {
        if (o.kind === "Trigger") {
          return [get(o, "spec", "subscriber", "ref"), get(o, "spec", "delivery", "deadLetterSink", "ref")];
        }
        if (o.kind === "Broker") return [get(o, "spec", "delivery", "deadLetterSink", "ref")];
        if (o.kind === "PingSource" || o.kind === "KafkaSource") return [get(o, "spec", "sink", "ref")];
        return [];
      }) as Array<{ kind: string; name: string } | undefined>;
      expect(refs.length).toBeGreaterThan(10);
      for (const ref of refs.filter((r) => r !== undefined)) {
        expect(find(list, ref.kind, ref.name), `${ref.kind} ${ref.name}`).toBeDefined();
      }
      for (const trigger of list.filter((o) => o.kind === "Trigger")) {
        expect(names, trigger.metadata.name).toContain(get(trigger, "spec", "subscriber", "ref", "name"));
      }
    },
  );

  it("overlays/local runs every function from its dev.local image, and the example consumer", () => {
    for (const name of names) {
      const container = get(find(localObjects, "Service", name), "spec", "template", "spec", "containers", 0);
      expect(get(container, "image"), name).toBe(`dev.local/${name}:dev`);
      expect(get(container, "imagePullPolicy"), name).toBe("IfNotPresent");
    }
    expect(find(localObjects, "KafkaSource", "shop-events-display")).toBeDefined();
    expect(find(objects, "KafkaSource", "shop-events-display")).toBeUndefined();
  });

  it("overlays/production replicates the Broker's topics on three Kafka nodes", () => {
    const config = find(objects, "ConfigMap", "kafka-broker-config");
    expect(get(config, "data", "default.topic.replication.factor")).toBe("3");
    const base = find(objectsOf(built("knative/base")), "ConfigMap", "kafka-broker-config");
    expect(get(base, "data", "default.topic.replication.factor")).toBe("1");
  });
});

describe.each(names)("function %s", (name) => {
  const service = find(objects, "Service", name)!;
  const template = get(service, "spec", "template") as Record<string, Record<string, unknown>>;
  const container = get(template, "spec", "containers", 0) as Record<string, unknown>;
  const func = funcYaml(name);

  it("has a Knative Service that scales to zero, probes /health/* and runs as its ServiceAccount", () => {
    expect(service, "knative/base/services").toBeDefined();
    expect(service.metadata.labels).toMatchObject({
      "app.kubernetes.io/name": name,
      "app.kubernetes.io/part-of": "shop",
    });
    const annotations = template.metadata!.annotations as Record<string, string>;
    expect(annotations["autoscaling.knative.dev/min-scale"]).toBe("0");
    expect(Number(annotations["autoscaling.knative.dev/max-scale"])).toBeGreaterThan(0);
    expect(Number(annotations["autoscaling.knative.dev/target"])).toBeGreaterThan(0);
    expect(template.spec!.containerConcurrency).toBeGreaterThan(0);
    expect(get(container, "livenessProbe", "httpGet", "path")).toBe("/health/liveness");
    expect(get(container, "readinessProbe", "httpGet", "path")).toBe("/health/readiness");
    expect(get(container, "resources", "requests")).toBeDefined();
    expect(get(container, "resources", "limits")).toBeDefined();
    expect(template.spec!.serviceAccountName).toBe(name);
    expect(find(objects, "ServiceAccount", name)).toBeDefined();
    const ping = objects.find(
      (o) => o.kind === "PingSource" && get(o, "spec", "sink", "ref", "name") === name,
    );
    expect(ping, "a PingSource ticking the outbox sweeper").toBeDefined();
  });

  it("has a func.yaml that kn func accepts and that agrees with the Service", () => {
    expect(Object.keys(func).filter((k) => !FUNC_KEYS.includes(k))).toEqual([]);
    expect(Object.keys(func.deploy).filter((k) => !DEPLOY_KEYS.includes(k))).toEqual([]);
    expect(func).toMatchObject({
      specVersion: "0.36.0",
      name,
      runtime: "typescript",
      build: { builder: "pack" },
    });
    expect(Number.isNaN(Date.parse(String(func.created)))).toBe(false);
    expect(func.image).toBe(container.image);
    expect(func.deploy.healthEndpoints).toEqual({
      liveness: get(container, "livenessProbe", "httpGet", "path"),
      readiness: get(container, "readinessProbe", "httpGet", "path"),
    });
    expect(func.deploy.serviceAccountName).toBe(template.spec!.serviceAccountName);
    expect(func.deploy.namespace).toBe(service.metadata.namespace);
    expect(template.metadata!.annotations).toMatchObject(func.deploy.annotations ?? {});
    expect(Object.fromEntries((func.deploy.labels ?? []).map((l) => [l.key, l.value]))).toEqual(
      template.metadata!.labels,
    );
    const { concurrency, ...limits } = func.deploy.options?.resources?.limits ?? {};
    expect(concurrency).toBe(template.spec!.containerConcurrency);
    expect({ requests: func.deploy.options?.resources?.requests, limits }).toEqual(container.resources);
    // The same variables, from the same secrets.
    const env = (container.env as Array<Record<string, unknown>>).map((e) => {
      const ref = get(e, "valueFrom", "secretKeyRef") as { name: string; key: string } | undefined;
      return [e.name, ref ? `{{ secret:${ref.name}:${ref.key} }}` : e.value];
    });
    expect(func.run?.envs?.map((e) => [e.name, e.value])).toEqual(env);
    expect(env.map(([n]) => n)).toEqual(
      expect.arrayContaining(["DATABASE_URL", "KAFKA_BROKERS", "VAULT_ADDR"]),
    );
  });

  it("starts its built server from package.json (what the buildpack and the image run)", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "functions", name, "package.json"), "utf8"));
    expect(pkg.scripts.start).toBe("node dist/server.mjs");
    expect(pkg.files).toEqual(expect.arrayContaining(["dist", "migrations"]));
    const dockerfile = readFileSync(join(repoRoot, "functions", "Dockerfile"), "utf8");
    expect(dockerfile).toContain('CMD ["node", "dist/server.mjs"]');
  });

  it("has a Postgres role whose password is the secret of its DATABASE_URL", () => {
    const roles = get(find(clusterObjects, "Cluster", "shop-db"), "spec", "managed", "roles") as Array<{
      name: string;
      passwordSecret: { name: string };
    }>;
    const url = (container.env as Array<Record<string, unknown>>).find((e) => e.name === "DATABASE_URL");
    expect(roles.find((r) => r.name === name)?.passwordSecret.name).toBe(
      get(url, "valueFrom", "secretKeyRef", "name"),
    );
  });
});

const FUNC_KEYS = [
  "specVersion",
  "name",
  "runtime",
  "registry",
  "image",
  "namespace",
  "created",
  "invoke",
].concat(["build", "run", "deploy", "domain"]);
const DEPLOY_KEYS = [
  "namespace",
  "annotations",
  "options",
  "labels",
  "healthEndpoints",
  "serviceAccountName",
];

describe("infra/cluster/", () => {
  it("creates the Broker's topic and the dead-letter topic on the Kafka the manifests name", () => {
    const topics = clusterObjects
      .filter((o) => o.kind === "KafkaTopic")
      .map((o) => get(o, "spec", "topicName"));
    const eventing = parseManifests(overlays.production);
    expect(topics).toEqual(
      expect.arrayContaining([...eventing.brokers, ...eventing.kafkaSinks].map((b) => b.topic)),
    );
    const kafka = clusterObjects.find((o) => o.kind === "Kafka")!;
    const plain = (get(kafka, "spec", "kafka", "listeners") as Array<{ port: number }>)[0]!;
    const bootstrap = `${kafka.metadata.name}-kafka-bootstrap.${kafka.metadata.namespace}:${plain.port}`;
    expect(get(find(objects, "ConfigMap", "kafka-broker-config"), "data", "bootstrap.servers")).toBe(
      bootstrap,
    );
    for (const name of names) {
      const env = get(find(objects, "Service", name), "spec", "template", "spec", "containers", 0, "env");
      expect(
        (env as Array<{ name: string; value: string }>).find((e) => e.name === "KAFKA_BROKERS")?.value,
      ).toBe(bootstrap);
    }
  });

  it("routes each Connect service to its function, with CORS and a rate limit on Login", () => {
    const routes = clusterObjects.filter((o) => o.kind === "HTTPRoute");
    const services = connectServices();
    expect(services.length).toBeGreaterThanOrEqual(5);
    for (const { domain, path } of services) {
      const rule = routes
        .flatMap((r) => get(r, "spec", "rules") as unknown[])
        .find((rule) => get(rule, "matches", 0, "path", "value") === path);
      expect(rule, path).toBeDefined();
      expect(get(rule, "filters", 0, "urlRewrite", "hostname")).toBe(`${domain}.shop.svc.cluster.local`);
      expect(find(objects, "Service", domain), `${path} → ${domain}`).toBeDefined();
    }
    const login = routes.find((r) =>
      (get(r, "spec", "rules", 0, "matches") as unknown[]).some(
        (m) =>
          get(m, "path", "value") === "/shop.identity.v1.IdentityService/Login" &&
          get(m, "path", "type") === "Exact",
      ),
    )!;
    const limit = clusterObjects.find((o) => o.kind === "BackendTrafficPolicy")!;
    expect(get(limit, "spec", "targetRefs", 0, "name")).toBe(login.metadata.name);
    expect(get(limit, "spec", "rateLimit", "local", "rules", 0, "limit", "requests")).toBeGreaterThan(0);
    const cors = clusterObjects.find((o) => o.kind === "SecurityPolicy")!;
    expect(get(cors, "spec", "targetRefs", 0)).toMatchObject({ kind: "Gateway", name: "shop" });
    expect((get(cors, "spec", "cors", "allowOrigins") as string[]).length).toBeGreaterThan(0);
  });

  it("verifies access tokens at the edge against identity's JWKS, and routes the JWKS path to identity", () => {
    // As kustomize builds the gateway (what up.sh applies with kubectl apply -k).
    const gateway = objectsOf(built("infra/cluster/gateway"));
    const policies = gateway.filter((o) => o.kind === "SecurityPolicy");
    // One policy on the Gateway: a second one on a route would replace it there (CORS lost), not add.
    expect(policies.map((p) => get(p, "spec", "targetRefs"))).toEqual([
      [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "shop" }],
    ]);
    const jwt = get(policies[0], "spec", "jwt") as Record<string, unknown>;
    // Anonymous calls pass (the functions decide); a token that is present must verify.
    expect(jwt.optional).toBe(true);
    const providers = jwt.providers as Array<Record<string, unknown>>;
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ issuer: TOKEN_ISSUER, audiences: [TOKEN_AUDIENCE] });
    expect(Object.keys(providers[0]?.remoteJWKS as object)).toEqual(["uri"]);
    const uri = new URL(String(get(providers[0], "remoteJWKS", "uri")));
    expect(uri.pathname).toBe(JWKS_HTTP_PATH);
    expect(uri.host).toBe("identity.shop.svc.cluster.local");
    expect(find(objects, "Service", "identity"), "identity's Knative Service").toBeDefined();
    // Envoy Gateway's CRD bounds: a provider name and a URI of at most 253 characters.
    expect(String(providers[0]?.name).length).toBeGreaterThan(0);
    expect(uri.href.length).toBeLessThanOrEqual(253);
    const route = gateway
      .filter((o) => o.kind === "HTTPRoute")
      .flatMap((r) => get(r, "spec", "rules") as unknown[])
      .find((rule) => get(rule, "matches", 0, "path", "value") === JWKS_HTTP_PATH);
    expect(get(route, "matches", 0, "path", "type")).toBe("Exact");
    expect(get(route, "filters", 0, "urlRewrite", "hostname")).toBe(uri.host);
  });

  it("has shell scripts that pass bash -n and shellcheck", () => {
    const scripts = readdirSync(clusterDir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".sh"))
      .map((f) => join(clusterDir, f));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) execFileSync("bash", ["-n", script]);
    const shellcheck = spawnSync("shellcheck", ["--version"]);
    if (shellcheck.error) {
      // Debian: apt-get install shellcheck. Without it only the syntax is checked.
      console.warn("shellcheck is not installed: checked the scripts' syntax only");
      return;
    }
    const result = spawnSync("shellcheck", ["-x", ...scripts], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
  });
});

/** Every Connect service of the contracts: `/shop.<domain>.v1.<Service>`, served by function <domain>. */
function connectServices(): Array<{ domain: string; path: string }> {
  const found: Array<{ domain: string; path: string }> = [];
  const protos = readdirSync(join(repoRoot, "schemas", "shop"), { recursive: true, encoding: "utf8" });
  for (const proto of protos.filter((f) => f.endsWith(".proto"))) {
    const text = readFileSync(join(repoRoot, "schemas", "shop", proto), "utf8");
    const pkg = /^package (shop\.(\w+)\.v1);/m.exec(text);
    for (const match of text.matchAll(/^service (\w+)/gm)) {
      found.push({ domain: pkg![2]!, path: `/${pkg![1]}.${match[1]}` });
    }
  }
  return found;
}
