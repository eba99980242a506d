/**
 * A Vault API double for tests: a node:http server answering exactly the endpoints Shop uses, with
 * Vault's documented response shapes and error codes, so the real node-vault client is exercised over
 * HTTP. Endpoints: KV v2 read and write (`GET`, `POST /v1/<mount>/data/<path>`), AppRole and Kubernetes login, token
 * renew-self and lookup-self, Transit encrypt and decrypt (vault-double-transit.ts). Tokens carry policies written in Vault's HCL (the files of
 * infra/cluster/vault/policies), so a function's token reads only what its policy grants.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

import { newTransitKey, type TransitKeys, transitAnswer } from "./vault-double-transit.ts";
import { allows, type PolicyRule, parsePolicy } from "./vault-policy.ts";

/** How long tokens of a role live, in seconds. */
export interface TokenTtl {
  ttl?: number;
  maxTtl?: number;
}

interface Token extends Required<TokenTtl> {
  id: string;
  accessor: string;
  policies: string[];
  meta: Record<string, string>;
  path: string;
  issued: number;
  expires: number;
  renewals: number;
}

interface Secret {
  data: Record<string, unknown>;
  version: number;
  created: string;
}

/** A running Vault double and its test controls. */
export interface VaultDouble {
  /** `http://127.0.0.1:<port>`: the VAULT_ADDR of the double. */
  url: string;
  /** A token with every right (`root` policy), as `vault server -dev` prints. */
  rootToken: string;
  /** Defines a policy from HCL. */
  putPolicy(name: string, hcl: string): void;
  /** Defines an AppRole role; returns its role id and a secret id. */
  addAppRole(name: string, policies: string[], ttl?: TokenTtl): { roleId: string; secretId: string };
  /** Defines a Kubernetes auth role accepting `serviceAccountJwt`. */
  addKubernetesRole(name: string, serviceAccountJwt: string, policies: string[], ttl?: TokenTtl): void;
  /** Writes a new version of the KV v2 secret at its logical path (`shop/identity/jwt`, mount first). */
  put(path: string, data: Record<string, unknown>): void;
  /** Creates the Transit key `name` (as `vault write -f transit/keys/<name>`), if absent. */
  addTransitKey(name: string): void;
  /** Seals (every request answers 503) or unseals. */
  seal(sealed: boolean): void;
  /** Stops answering (connections refused) until `up()`, on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** What happened so far: logins and renewals per role, reads per API path. */
  stats(): { logins: number; renewals: number; reads: Record<string, number> };
  /** Every credential, token and secret value it handed out or received (a test asserts none was logged). */
  seenSecrets(): string[];
  close(): Promise<void>;
}

/** Starts a Vault double on a free port of 127.0.0.1. KV v2 is mounted at `mount` (default `shop`). */
export async function startVaultDouble({ mount = "shop" } = {}): Promise<VaultDouble> {
  const policies = new Map<string, PolicyRule[]>([["root", [{ path: "*", capabilities: ["read"] }]]]);
  const appRoles = new Map<string, { name: string; secretId: string; policies: string[] } & TokenTtl>();
  const k8sRoles = new Map<string, { jwt: string; policies: string[] } & TokenTtl>();
  const tokens = new Map<string, Token>();
  const kv = new Map<string, Secret>();
  const transitKeys: TransitKeys = new Map();
  const stats = { logins: 0, renewals: 0, reads: {} as Record<string, number> };
  const seen: string[] = [];
  let sealed = false;

  const now = () => Date.now() / 1000;
  function issue(path: string, tokenPolicies: string[], meta: Record<string, string>, ttl: TokenTtl = {}) {
    const token: Token = {
      id: `hvs.${randomBytes(18).toString("base64url")}`,
      accessor: randomBytes(12).toString("base64url"),
      policies: ["default", ...tokenPolicies],
      meta,
      path,
      ttl: ttl.ttl ?? 3600,
      maxTtl: ttl.maxTtl ?? (ttl.ttl ?? 3600) * 24,
      issued: now(),
      expires: now() + (ttl.ttl ?? 3600),
      renewals: 0,
    };
    tokens.set(token.id, token);
    seen.push(token.id);
    stats.logins++;
    return token;
  }
  const root = issue("auth/token/root", ["root"], {}, { ttl: 0, maxTtl: 0 });
  root.policies = ["root"];
  root.expires = Number.POSITIVE_INFINITY;
  stats.logins = 0;

  function authOf(token: Token) {
    const ttl = Number.isFinite(token.expires) ? Math.max(0, Math.round(token.expires - now())) : 0;
    return {
      client_token: token.id,
      accessor: token.accessor,
      policies: token.policies,
      token_policies: token.policies,
      metadata: token.meta,
      lease_duration: ttl,
      renewable: Number.isFinite(token.expires),
      entity_id: randomUUID(),
      token_type: "service",
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    };
  }
  const envelope = (fields: object) => ({
    request_id: randomUUID(),
    lease_id: "",
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...fields,
  });

  function caller(req: IncomingMessage): Token | undefined {
    const id = req.headers["x-vault-token"];
    const token = typeof id === "string" ? tokens.get(id) : undefined;
    return token && token.expires > now() ? token : undefined;
  }
  const can = (token: Token, path: string, capability = "read") =>
    token.policies.includes("root") ||
    token.policies.some((name) => allows(policies.get(name) ?? [], path, capability));

  async function answer(req: IncomingMessage): Promise<[number, object]> {
    if (sealed) return [503, { errors: ["Vault is sealed"] }];
    const url = new URL(req.url ?? "/", "http://vault");
    const path = url.pathname.replace(/^\/v1\//, "");
    const body = req.method === "POST" || req.method === "PUT" ? await readJson(req) : {};
    seen.push(...Object.values(body).filter((v): v is string => typeof v === "string"));
    const denied: [number, object] = [403, { errors: ["permission denied"] }];

    if (req.method === "POST" && path === "auth/approle/login") {
      const role = appRoles.get(String(body.role_id));
      if (!role || role.secretId !== body.secret_id) return [400, { errors: ["invalid role or secret ID"] }];
      const token = issue(`auth/approle/login`, role.policies, { role_name: role.name }, role);
      return [200, envelope({ auth: authOf(token) })];
    }
    if (req.method === "POST" && path === "auth/kubernetes/login") {
      const role = k8sRoles.get(String(body.role));
      if (!role) return [400, { errors: [`invalid role name "${String(body.role)}"`] }];
      if (role.jwt !== body.jwt) return denied;
      const meta = { role: String(body.role), service_account_name: String(body.role) };
      return [200, envelope({ auth: authOf(issue("auth/kubernetes/login", role.policies, meta, role)) })];
    }
    const token = caller(req);
    if (!token) return denied;
    if (req.method === "POST" && path === "auth/token/renew-self") {
      if (!Number.isFinite(token.expires)) return [400, { errors: ["lease is not renewable"] }];
      const wanted = typeof body.increment === "number" ? body.increment : token.ttl;
      token.expires = Math.min(now() + wanted, token.issued + token.maxTtl);
      token.renewals++;
      stats.renewals++;
      return [200, envelope({ auth: authOf(token) })];
    }
    if (req.method === "GET" && path === "auth/token/lookup-self") {
      const auth = authOf(token);
      return [
        200,
        envelope({
          data: {
            accessor: token.accessor,
            creation_time: Math.floor(token.issued),
            creation_ttl: token.ttl,
            display_name: token.path.split("/")[1] ?? "token",
            entity_id: auth.entity_id,
            expire_time: Number.isFinite(token.expires) ? new Date(token.expires * 1000).toISOString() : null,
            explicit_max_ttl: 0,
            id: token.id,
            issue_time: new Date(token.issued * 1000).toISOString(),
            meta: token.meta,
            num_uses: 0,
            orphan: true,
            path: token.path,
            policies: token.policies,
            renewable: auth.renewable,
            ttl: auth.lease_duration,
            type: "service",
          },
        }),
      ];
    }
    const transit =
      req.method === "POST" || req.method === "PUT"
        ? transitAnswer(transitKeys, path, body, (at) => can(token, at, "update"))
        : undefined;
    if (transit) return [transit[0], transit[0] === 200 ? envelope(transit[1]) : transit[1]];
    if ((req.method === "POST" || req.method === "PUT") && path.startsWith(`${mount}/data/`)) {
      const key = path.slice(`${mount}/data/`.length);
      const existing = kv.get(key);
      if (!can(token, path, existing ? "update" : "create")) return denied;
      const data = (body.data ?? {}) as Record<string, unknown>;
      const version = (existing?.version ?? 0) + 1;
      const created = new Date().toISOString();
      kv.set(key, { data, version, created });
      seen.push(...Object.values(data).filter((v): v is string => typeof v === "string"));
      return [
        200,
        envelope({
          data: {
            created_time: created,
            custom_metadata: null,
            deletion_time: "",
            destroyed: false,
            version,
          },
        }),
      ];
    }
    if (req.method === "GET" && path.startsWith(`${mount}/data/`)) {
      if (!can(token, path)) return denied;
      stats.reads[path] = (stats.reads[path] ?? 0) + 1;
      const secret = kv.get(path.slice(`${mount}/data/`.length));
      if (!secret) return [404, { errors: [] }];
      const metadata = {
        created_time: secret.created,
        custom_metadata: null,
        deletion_time: "",
        destroyed: false,
        version: secret.version,
      };
      return [200, envelope({ data: { data: secret.data, metadata }, mount_type: "kv" })];
    }
    // Vault answers a path no engine is mounted at, or a verb it does not route, like this.
    return [404, { errors: [`no handler for route "${path}". route entry not found.`] }];
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res: ServerResponse) => {
    answer(req).then(
      ([status, payload]) => {
        res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(JSON.stringify(payload));
      },
      () => {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: ["failed to parse JSON input"] }));
      },
    );
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    rootToken: root.id,
    putPolicy: (name, hcl) => void policies.set(name, parsePolicy(hcl)),
    addAppRole(name, rolePolicies, ttl = {}) {
      const roleId = randomUUID();
      const secretId = randomUUID();
      appRoles.set(roleId, { name, secretId, policies: rolePolicies, ...ttl });
      seen.push(secretId);
      return { roleId, secretId };
    },
    addKubernetesRole(name, jwt, rolePolicies, ttl = {}) {
      k8sRoles.set(name, { jwt, policies: rolePolicies, ...ttl });
      seen.push(jwt);
    },
    put(path, data) {
      const key = path.startsWith(`${mount}/`) ? path.slice(mount.length + 1) : path;
      const version = (kv.get(key)?.version ?? 0) + 1;
      kv.set(key, { data, version, created: new Date().toISOString() });
      seen.push(...Object.values(data).filter((v): v is string => typeof v === "string"));
    },
    addTransitKey(name) {
      if (!transitKeys.has(name)) transitKeys.set(name, newTransitKey());
    },
    seal(value) {
      sealed = value;
    },
    down: stop,
    up: () => listen(port),
    stats: () => ({ ...stats, reads: { ...stats.reads } }),
    seenSecrets: () => [...seen],
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
