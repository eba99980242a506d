/**
 * Reading and checking the cluster's manifests (knative/, infra/cluster/) and func.yaml files: YAML
 * documents, what each kustomization builds (with the real kustomize: `kubectl kustomize`), schema
 * validation with kubernetes-models, and the search for literal secrets.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
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
  return parseDocs(await readFile(file, "utf8"), file);
}

/** The non-empty documents of YAML text; `file` names where it came from (in errors too). */
export function parseDocs(text: string, file: string): Doc[] {
  const docs: Doc[] = [];
  for (const parsed of parseAllDocuments(text)) {
    if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]!.message}`);
    const doc = parsed.toJS() as unknown;
    if (doc !== null && doc !== undefined) docs.push({ doc, file });
  }
  return docs;
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const NOT_SOURCES = new Set(["node_modules", ".git", ".shop"]);

/** Every folder under `root` with a kustomization file (node_modules, .git and .shop left out), sorted. */
export async function kustomizationDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isFile() && KUSTOMIZATION_FILES.includes(e.name))
    .map((e) => e.parentPath)
    .filter(
      (dir) =>
        !relative(root, dir)
          .split(/[\\/]/)
          .some((part) => NOT_SOURCES.has(part)),
    );
  return [...new Set(dirs)].sort();
}

/** The kubectl that builds kustomizations: `$KUBECTL`, else `kubectl` on PATH. */
export const kubectl = process.env.KUBECTL || "kubectl";

/**
 * What `kubectl kustomize <dir>` builds (kubectl's own kustomize: what `kubectl apply -k` applies),
 * as documents named `kubectl kustomize <dir relative to root>`. Fails with kustomize's message.
 */
export async function kustomizeBuild(dir: string, root: string): Promise<Doc[]> {
  const name = `kubectl kustomize ${relative(root, dir) || "."}`;
  try {
    const { stdout } = await promisify(execFile)(kubectl, ["kustomize", dir], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return parseDocs(stdout, name);
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === "ENOENT") {
      throw new Error(`${kubectl} is not installed: the manifest tests build kustomizations with it`);
    }
    throw new Error(`${name} failed: ${(stderr || (error as Error).message).trim()}`);
  }
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

/** True for a Tekton object: those are validated together, by `validateTekton` (tekton.ts). */
export function isTekton(object: K8sObject): boolean {
  return object.apiVersion.startsWith("tekton.dev/");
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
  "monitoring.coreos.com/v1 PrometheusRule": [["spec", "groups"]],
  "monitoring.coreos.com/v1 PodMonitor": [
    ["spec", "selector"],
    ["spec", "podMetricsEndpoints"],
  ],
};

/** Validates an object against its schema; resolves to the problems found (none when valid). */
export async function validateObject(object: K8sObject): Promise<string[]> {
  const id = `${object.apiVersion} ${object.kind}`;
  if (object.kind !== "Kustomization" && !object.metadata?.name) return [`${id} without metadata.name`];
  if (isTekton(object)) return [`${id} ${object.metadata.name}: a Tekton object, for validateTekton`];
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
