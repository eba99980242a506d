#!/usr/bin/env bash
# Vault for Shop: KV v2 at shop/, Transit at transit/ (key shop-payment-token), a policy per function (policies/<function>.hcl), its login, and the
# dev KV layout. Idempotent: what exists is kept (keys are rotated only on request).
#
#   setup.sh                      in the cluster: Vault (Helm, dev mode) in namespace vault, Kubernetes
#                                 auth roles <function> bound to ServiceAccount <function> in shop
#   setup.sh local                a Vault at $VAULT_ADDR with $VAULT_TOKEN (`vault server -dev`):
#                                 AppRole roles shop-<function> instead of Kubernetes auth
#   setup.sh rotate-signing-key   a new token signing key: published in shop/jwks (with the previous
#                                 one, so tokens already issued stay valid), then used by identity
#
# No secret value is printed or passed on a command line: values go to `vault kv put … -` on stdin.
# Single quotes below hold code for node, sh and the reader, expanded where it runs.
# shellcheck disable=SC2016
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FUNCTIONS=(identity catalog orders promotions inventory payments redrive shipping webhooks analytics notifications cart audit)
NAMESPACE="${NAMESPACE:-shop}"
VAULT_CHART_VERSION="${VAULT_CHART_VERSION:-0.30.0}"
MODE="${1:-cluster}"

# `vault` inside the cluster's Vault pod (with the dev root token from the pod's own environment, so
# it is on no command line), or the local CLI.
v() {
  if [[ "$MODE" == "local" || "${TARGET:-}" == "local" ]]; then
    vault "$@"
  else
    kubectl -n vault exec -i vault-0 -- sh -c 'VAULT_TOKEN="$VAULT_DEV_ROOT_TOKEN_ID" exec vault "$@"' vault "$@"
  fi
}

install_vault() {
  if ! kubectl -n vault get secret vault-dev-root >/dev/null 2>&1; then
    kubectl create namespace vault --dry-run=client -o yaml | kubectl apply -f -
    kubectl -n vault create secret generic vault-dev-root --from-literal=token="$(openssl rand -hex 24)"
  fi
  helm repo add hashicorp https://helm.releases.hashicorp.com >/dev/null 2>&1 || true
  helm upgrade --install vault hashicorp/vault --version "$VAULT_CHART_VERSION" --namespace vault \
    --set server.dev.enabled=true --set injector.enabled=false \
    --set "server.extraSecretEnvironmentVars[0].envName=VAULT_DEV_ROOT_TOKEN_ID" \
    --set "server.extraSecretEnvironmentVars[0].secretName=vault-dev-root" \
    --set "server.extraSecretEnvironmentVars[0].secretKey=token" --wait
  kubectl -n vault wait pod/vault-0 --for=condition=Ready --timeout=300s
}

enable() { # enable <kind> <path> <vault args…>: once
  local kind="$1" path="$2"
  shift 2
  if ! v "$kind" list -format=json | grep -q "\"$path/\""; then v "$kind" enable -path="$path" "$@"; fi
}

policies_and_logins() {
  local fn
  for fn in "${FUNCTIONS[@]}"; do
    v policy write "shop-$fn" - <"$HERE/policies/$fn.hcl"
  done
  if [[ "$MODE" == "local" ]]; then
    enable auth approle approle
    for fn in "${FUNCTIONS[@]}"; do
      v write "auth/approle/role/shop-$fn" token_policies="shop-$fn" token_ttl=1h token_max_ttl=24h
    done
    printf 'AppRole logins: VAULT_ROLE_ID=$(vault read -field=role_id auth/approle/role/shop-<function>/role-id)\n'
    printf '                VAULT_SECRET_ID=$(vault write -f -field=secret_id auth/approle/role/shop-<function>/secret-id)\n'
  else
    enable auth kubernetes kubernetes
    # Vault runs in the cluster: it reviews service-account tokens with its own pod's credentials.
    v write auth/kubernetes/config kubernetes_host="https://kubernetes.default.svc:443"
    for fn in "${FUNCTIONS[@]}"; do
      v write "auth/kubernetes/role/$fn" bound_service_account_names="$fn" \
        bound_service_account_namespaces="$NAMESPACE" token_policies="shop-$fn" token_ttl=1h token_max_ttl=24h
    done
  fi
}

exists() { v kv get -mount=shop "$1" >/dev/null 2>&1; }

# A new Ed25519 key as the KV values: identity/jwt {kid, privateJwk} and shop/jwks {jwks}, published
# with the keys of `previous` (a JWK set, JSON) kept after it.
new_key_json() {
  PREVIOUS="${1:-}" node --input-type=module -e '
    import { generateKeyPairSync, randomBytes } from "node:crypto";
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const kid = `${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString("hex")}`;
    const pub = { ...publicKey.export({ format: "jwk" }), kid, alg: "EdDSA", use: "sig" };
    const previous = process.env.PREVIOUS ? JSON.parse(process.env.PREVIOUS).keys.slice(0, 1) : [];
    process.stdout.write(JSON.stringify({
      jwt: { kid, privateJwk: JSON.stringify(privateKey.export({ format: "jwk" })) },
      jwks: { jwks: JSON.stringify({ keys: [pub, ...previous] }) },
    }));'
}

# The part `field` (jwt or jwks) of new_key_json's output, read on stdin (printf is a builtin: no secret
# on a command line).
part() {
  printf '%s' "$2" |
    node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s)[process.argv[1]])))' "$1"
}

put_key() { # the public keys first: a token signed with the new key must meet verifiers that know it
  local json="$1" wait="${2:-0}"
  part jwks "$json" | v kv put -mount=shop jwks - >/dev/null
  if ((wait > 0)); then
    # The gateway (Envoy Gateway's remoteJWKS) caches identity's /.well-known/jwks.json for 5 minutes
    # and does not re-fetch on an unknown kid: sign with the new key only once every copy knows it.
    printf 'new key published in shop/jwks; waiting %ss for cached copies (the gateway) before signing with it\n' "$wait"
    sleep "$wait"
  fi
  part jwt "$json" | v kv put -mount=shop identity/jwt - >/dev/null
  printf 'signing key %s published in shop/jwks and set in shop/identity/jwt\n' \
    "$(part jwt "$json" | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>console.log(JSON.parse(s).kid))')"
}

dev_layout() {
  enable secrets shop kv-v2
  # Transit: the key that seals customers' payment tokens for payments (orders encrypts, payments decrypts).
  enable secrets transit transit
  if ! v read transit/keys/shop-payment-token >/dev/null 2>&1; then
    # derived: each ciphertext is bound to its order id (the context), useless for any other order.
    v write transit/keys/shop-payment-token derived=true >/dev/null
  fi
  # The key that seals emailed-link tokens for notifications (identity encrypts, notifications decrypts).
  if ! v read transit/keys/shop-notification-token >/dev/null 2>&1; then
    # derived: each ciphertext is bound to its user id (the context).
    v write transit/keys/shop-notification-token derived=true >/dev/null
  fi
  if ! exists identity/jwt; then put_key "$(new_key_json)"; fi
  if ! exists identity/admin; then
    node -e 'process.stdout.write(JSON.stringify({ email: "admin@shop.example", password: require("node:crypto").randomBytes(18).toString("base64url") }))' |
      v kv put -mount=shop identity/admin - >/dev/null
    printf 'admin account: vault kv get -mount=shop identity/admin\n'
  fi
  # The test provider needs no key; a real adapter's key is put here by hand, never in git.
  if ! exists payments/provider; then
    printf '{"apiKey":"test-provider-needs-no-key"}' | v kv put -mount=shop payments/provider - >/dev/null
  fi
  # The SMTP relay notifications sends through; the real host and credentials are put here by hand, never in git.
  if ! exists notifications/smtp; then
    printf '{"host":"smtp.shop.example","port":"587","from":"Shop <shop@shop.example>"}' |
      v kv put -mount=shop notifications/smtp - >/dev/null
  fi
  # Each function's database URL, from the Secret <function>-db that up.sh made with its role's password.
  if [[ "$MODE" != "local" ]]; then
    local fn
    for fn in "${FUNCTIONS[@]}"; do
      if kubectl -n "$NAMESPACE" get secret "$fn-db" >/dev/null 2>&1 && ! exists "$fn/database"; then
        kubectl -n "$NAMESPACE" get secret "$fn-db" -o jsonpath='{.data.url}' | base64 -d |
          node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>process.stdout.write(JSON.stringify({url:s})))' |
          v kv put -mount=shop "$fn/database" - >/dev/null
      fi
    done
  fi
}

case "$MODE" in
  cluster)
    install_vault
    policies_and_logins
    dev_layout
    ;;
  local)
    : "${VAULT_ADDR:?set VAULT_ADDR (and VAULT_TOKEN) to the Vault to set up}"
    policies_and_logins
    dev_layout
    ;;
  rotate-signing-key)
    TARGET="${TARGET:-cluster}"
    # 5 minutes of the gateway's JWKS cache plus 60 s of identity's secret cache (JWKS_MAX_AGE_SECONDS).
    put_key "$(new_key_json "$(v kv get -mount=shop -field=jwks jwks)")" "${JWKS_CACHE_WAIT:-360}"
    printf 'identity signs with it within 2 minutes; kill -HUP a function to read it at once.\n'
    ;;
  *)
    printf 'usage: %s [cluster|local|rotate-signing-key]\n' "$0" >&2
    exit 2
    ;;
esac
