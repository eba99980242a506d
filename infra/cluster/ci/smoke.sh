#!/usr/bin/env bash
# The smoke test of the cluster that infra/cluster/up.sh brought up, from the machine that ran it:
# forwards a local port to the gateway, takes the administrator's account from Vault (vault/setup.sh
# made it), installs the workspace and runs tools/src/deploy/smoke.ts, which reads shop.events with
# the console consumer of the Kafka pod (Kafka is not reachable from outside the cluster).
#   infra/cluster/ci/smoke.sh        # PORT=18080 SMOKE_TIMEOUT=300 KAFKA_POD=kafka/shop-kafka-dual-0
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
PNPM_VERSION="${PNPM_VERSION:-10.34.8}"
PORT="${PORT:-18080}"
pnpm() { npx --yes "pnpm@$PNPM_VERSION" "$@"; }

svc="$(kubectl -n envoy-gateway-system get service \
  -l gateway.envoyproxy.io/owning-gateway-name=shop,gateway.envoyproxy.io/owning-gateway-namespace=shop \
  -o jsonpath='{.items[0].metadata.name}')"
[[ -n "$svc" ]] || { echo "smoke.sh: no Service of the Gateway shop in envoy-gateway-system" >&2; exit 1; }
kubectl -n envoy-gateway-system port-forward "service/$svc" "$PORT:80" >"$ROOT/port-forward.log" 2>&1 &
forward=$!
trap 'kill "$forward" 2>/dev/null || true' EXIT

# The administrator vault/setup.sh stored (a random password); without Vault, the dev administrator.
# Single quotes hold code for the Vault pod's shell and for node.
# shellcheck disable=SC2016
if admin="$(kubectl -n vault exec vault-0 -- sh -c \
  'VAULT_TOKEN="$VAULT_DEV_ROOT_TOKEN_ID" vault kv get -mount=shop -format=json identity/admin' 2>/dev/null)"; then
  SHOP_ADMIN_EMAIL="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).data.data.email)' <<<"$admin")"
  SHOP_ADMIN_PASSWORD="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).data.data.password)' <<<"$admin")"
  if [[ -n "${GITHUB_ACTIONS:-}" ]]; then echo "::add-mask::$SHOP_ADMIN_PASSWORD"; fi
  export SHOP_ADMIN_EMAIL SHOP_ADMIN_PASSWORD
fi

cd "$ROOT"
pnpm install --frozen-lockfile --reporter=append-only
pnpm run generate
pnpm exec tsx tools/src/deploy/smoke.ts --url "http://127.0.0.1:$PORT" \
  --kafka-pod "${KAFKA_POD:-kafka/shop-kafka-dual-0}" --timeout "${SMOKE_TIMEOUT:-300}"
