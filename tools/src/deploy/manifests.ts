/**
 * Reading and checking the cluster's manifests (knative/, infra/cluster/) and func.yaml files: YAML
 * documents, what a kustomization includes, schema validation with kubernetes-models, and the search
 * for literal secrets.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

/** A parsed YAML document and the file it came from. */
export interface Doc {
  doc: unknown;
  file: string;
}

/** A Kubernetes object as written in a manifest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Every `.yaml`/`.yml` file under `dir`, recursively, sorted. */
export async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.parentPath.includes("node_modules"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The non-empty documents of a YAML file; a syntax error names the file. */
export async function readDocs(file: string): Promise<Doc[]> {
  const docs: Doc[] = [];
  for (const parsed of parseAllDocuments(await readFile(file, "utf8"))) {
    if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]!.message}`);
    const doc = parsed.toJS() as unknown;
    if (doc !== null && doc !== undefined) docs.push({ doc, file });
  }
  return docs;
}

/** True for a document that is a Kubernetes object (not Helm values or other YAML). */
export function isObject(doc: unknown): doc is K8sObject {
  return (
    typeof doc === "object" &&
    doc !== null &&
    typeof (doc as K8sObject).apiVersion === "string" &&
    typeof (doc as K8sObject).kind === "string"
  );
}

/** What a kustomization builds: the resources' documents (patches not applied) and its own files. */
export interface Kustomized {
  docs: Doc[];
  kustomizations: Array<{ file: string; spec: Record<string, unknown> }>;
}

/** Resolves `dir/kustomization.yaml` and the kustomizations it includes, like `kustomize build`. */
export async function kustomize(dir: string): Promise<Kustomized> {
  const file = join(dir, "kustomization.yaml");
  const [first] = await readDocs(file);
  const spec = (first?.doc ?? {}) as Record<string, unknown>;
  const result: Kustomized = { docs: [], kustomizations: [{ file, spec }] };
  for (const resource of (spec.resources ?? []) as string[]) {
    const path = resolve(dir, resource);
    if ((await stat(path)).isDirectory()) {
      const nested = await kustomize(path);
      result.docs.push(...nested.docs);
      result.kustomizations.push(...nested.kustomizations);
    } else {
      result.docs.push(...(await readDocs(path)));
    }
  }
  return result;
}

/** Model modules by API group: kubernetes-models for core groups, the third-party packages for others. */
function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "" || !group!.includes(".") || group!.endsWith(".k8s.io")) {
    if (group === "gateway.networking.k8s.io") {
      return `@kubernetes-models/gateway-api/${group}/${version}/${kind}`;
    }
    return `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`;
  }
  if (group!.endsWith("knative.dev")) return `@kubernetes-models/knative/${group}/${version}/${kind}`;
  return undefined;
}

/**
 * Objects of operators no model package covers, with the fields their controllers cannot work
 * without. A kind in no model and not here fails the check: add it here with its required fields.
 */
const REQUIRED: Record<string, string[][]> = {
  "eventing.knative.dev/v1alpha1 KafkaSink": [
    ["spec", "topic"],
    ["spec", "bootstrapServers"],
  ],
  "sources.knative.dev/v1beta1 KafkaSource": [
    ["spec", "bootstrapServers"],
    ["spec", "topics"],
    ["spec", "sink"],
  ],
  "kafka.strimzi.io/v1beta2 Kafka": [["spec", "kafka", "listeners"]],
  "kafka.strimzi.io/v1beta2 KafkaNodePool": [
    ["metadata", "labels", "strimzi.io/cluster"],
    ["spec", "replicas"],
    ["spec", "roles"],
    ["spec", "storage"],
  ],
  "kafka.strimzi.io/v1beta2 KafkaTopic": [
    ["metadata", "labels", "strimzi.io/cluster"],
    ["spec", "partitions"],
    ["spec", "replicas"],
  ],
  "postgresql.cnpg.io/v1 Cluster": [
    ["spec", "instances"],
    ["spec", "storage", "size"],
  ],
  "gateway.envoyproxy.io/v1alpha1 SecurityPolicy": [["spec", "targetRefs"]],
  "gateway.envoyproxy.io/v1alpha1 BackendTrafficPolicy": [["spec", "targetRefs"]],
  "kustomize.config.k8s.io/v1beta1 Kustomization": [],
};

/** Validates an object against its schema; resolves to the problems found (none when valid). */
export async function validateObject(object: K8sObject): Promise<string[]> {
  const id = `${object.apiVersion} ${object.kind}`;
  if (object.kind !== "Kustomization" && !object.metadata?.name) return [`${id} without metadata.name`];
  const module = modelModule(object.apiVersion, object.kind);
  if (module) {
    let Model: (new (data: unknown) => { validate(): void }) | undefined;
    try {
      Model = ((await import(module)) as Record<string, typeof Model>)[object.kind];
    } catch {
      // no model of that kind: checked below
    }
    if (Model) {
      try {
        new Model(object).validate();
        return [];
      } catch (error) {
        return [`${id} ${object.metadata.name}: ${(error as Error).message}`];
      }
    }
  }
  const required = REQUIRED[id];
  if (!required) return [`${id}: no schema to validate it with (no model, not in REQUIRED)`];
  return required
    .filter(
      (path) => path.reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], object) == null,
    )
    .map((path) => `${id} ${object.metadata?.name}: ${path.join(".")} is required`);
}

const SECRET_ENV = /pass(word)?|secret|token|api_?key|private|credential|database_url|dsn/i;
const SECRET_KEY =
  /^(password|passwd|secret|token|api[-_]?key|private[-_]?key|client[-_]?secret|access[-_]?key)$/i;
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@{]+@/i, "a URL with a password"],
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/, "a JWT"],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key"],
  [/\b(sk|rk)_(live|test)_[A-Za-z0-9]{8,}/, "a payment provider key"],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/, "a GitHub token"],
  [/\bhv[sb]\.[\w-]{20,}/, "a Vault token"],
  [/\bpassword\s+'[^']+'/i, "a password in SQL"],
];

/** A func.yaml secret reference: `{{ secret:name:key }}` (or a whole secret, `{{ secret:name }}`). */
export const FUNC_SECRET = /^\{\{\s*secret:([\w.-]+)(?::([\w.-]+))?\s*\}\}$/;

/** True for a string that looks like a random token: long, one word, letters mixed with digits. */
function highEntropy(text: string): boolean {
  return /^[A-Za-z0-9+/=_-]{32,}$/.test(text) && /\d/.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text);
}

/**
 * Where a document carries a literal secret: a Secret with data, an env var whose name says secret
 * with a literal value, a secret-named key with a string value, or text that looks like a key,
 * token, password or credentialed URL. Each finding is a path and a reason (never the value).
 */
export function literalSecrets(doc: unknown): string[] {
  const found: string[] = [];
  if (isObject(doc) && doc.kind === "Secret" && (doc.data || doc.stringData)) {
    found.push(`Secret ${doc.metadata?.name}: secret values in a manifest`);
  }
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === "string") {
      const reason = SECRET_TEXT.find(([pattern]) => pattern.test(value))?.[1];
      if (reason) found.push(`${path.join(".")}: ${reason}`);
      else if (highEntropy(value)) found.push(`${path.join(".")}: a random-looking token`);
      return;
    }
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, [...path, String(i)]);
      return;
    }
    if (typeof value !== "object" || value === null) return;
    const record = value as Record<string, unknown>;
    const inEnv = path.some((p) => /^(env|envs|buildEnvs)$/.test(p));
    if (inEnv && typeof record.name === "string" && typeof record.value === "string") {
      if (SECRET_ENV.test(record.name) && record.value !== "" && !FUNC_SECRET.test(record.value)) {
        found.push(
          `${path.join(".")} (${record.name}): a literal value; use a secretKeyRef or {{ secret:… }}`,
        );
      }
    }
    for (const [key, child] of Object.entries(record)) {
      if (SECRET_KEY.test(key) && typeof child === "string" && child !== "" && !FUNC_SECRET.test(child)) {
        found.push(`${[...path, key].join(".")}: a literal secret`);
      }
      walk(child, [...path, key]);
    }
  };
  walk(doc, []);
  return found;
}

/** `file` relative to `root`, for messages. */
export function shortPath(root: string, file: string): string {
  return relative(root, file) || dirname(file);
}
