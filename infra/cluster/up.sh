#!/usr/bin/env bash
# Brings Shop up on a local Kubernetes cluster: minikube (default) or kind, then Knative Serving and
# Eventing with the Kafka broker, Strimzi Kafka, CloudNativePG Postgres, Vault, Envoy Gateway, and every
# function deployed with `kn func deploy`. Prints the gateway's URL at the end. See README.md here.
#
#   infra/cluster/up.sh            # minikube, functions built by kn func (Paketo buildpacks)
#   CLUSTER=kind infra/cluster/up.sh
#   BUILD=docker infra/cluster/up.sh   # functions/Dockerfile + kubectl apply -k, no buildpacks
#   BUILD=prebuilt CLUSTER=kind infra/cluster/up.sh   # images dev.local/<function>:dev built before
#   infra/cluster/up.sh images     # only builds dev.local/<function>:dev with functions/Dockerfile
#   infra/cluster/up.sh down       # deletes the cluster
# Every mode applies knative/overlays/local: the layout the manifest tests build with kustomize.
set -euo pipefail

# Versions, pinned together: bump them in one change and run the purchase check of README.md.
KUBERNETES_VERSION="${KUBERNETES_VERSION:-v1.33.1}"
KNATIVE_SERVING_VERSION="1.21.0"
KNATIVE_KOURIER_VERSION="1.21.0"
KNATIVE_EVENTING_VERSION="1.21.0"
KNATIVE_KAFKA_VERSION="1.21.0"
STRIMZI_VERSION="0.48.0"
CNPG_VERSION="1.28.0"
ENVOY_GATEWAY_VERSION="1.10.0"
PNPM_VERSION="10.34.8"

CLUSTER="${CLUSTER:-minikube}"  # minikube | kind
BUILD="${BUILD:-func}"          # func (kn func deploy) | docker (functions/Dockerfile) | prebuilt
PROFILE="${PROFILE:-shop}"      # the minikube profile or kind cluster name
FUNCTIONS=(identity catalog orders promotions inventory payments redrive shipping webhooks analytics notifications cart audit)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/infra/cluster"
STAGE="$ROOT/.shop/build" # gitignored

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'up.sh: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "needs $1 on PATH ($2)"; }
pnpm() { npx --yes "pnpm@$PNPM_VERSION" "$@"; }

# kn func is either the `func` binary or the `kn` plugin.
func_cli() {
  if command -v func >/dev/null 2>&1; then func "$@"; else kn func "$@"; fi
}

check_tools() {
  need kubectl "https://kubernetes.io/docs/tasks/tools/"
  need helm "https://helm.sh/docs/intro/install/"
  need docker "the Docker CLI; minikube or kind provides the engine"
  need npx "Node.js 24 LTS"
  need openssl "Debian: apt-get install openssl"
  case "$CLUSTER" in
    minikube) need minikube "https://minikube.sigs.k8s.io/docs/start/" ;;
    kind) need kind "https://kind.sigs.k8s.io/docs/user/quick-start/" ;;
    *) die "CLUSTER must be minikube or kind, not $CLUSTER" ;;
  esac
  case "$BUILD" in
    func)
      command -v func >/dev/null 2>&1 || kn func version >/dev/null 2>&1 \
        || die "needs kn func (https://knative.dev/docs/functions/install-func/) or BUILD=docker"
      ;;
    docker | prebuilt) ;;
    *) die "BUILD must be func, docker or prebuilt, not $BUILD" ;;
  esac
}

start_cluster() {
  step "Starting $CLUSTER cluster $PROFILE"
  if [[ "$CLUSTER" == minikube ]]; then
    minikube start -p "$PROFILE" --kubernetes-version="$KUBERNETES_VERSION" \
      --cpus="${CPUS:-6}" --memory="${MEMORY:-12g}" --disk-size=40g
    # Builds go straight into the cluster's Docker daemon: no registry needed.
    eval "$(minikube -p "$PROFILE" docker-env)"
  else
    kind get clusters | grep -qx "$PROFILE" \
      || kind create cluster --name "$PROFILE" --image "kindest/node:$KUBERNETES_VERSION"
    kubectl config use-context "kind-$PROFILE"
  fi
}

wait_deployments() {
  kubectl -n "$1" wait deployment --all --for=condition=Available --timeout="${2:-300s}"
}

install_knative() {
  local serving="https://github.com/knative/serving/releases/download/knative-v$KNATIVE_SERVING_VERSION"
  local kourier="https://github.com/knative/net-kourier/releases/download/knative-v$KNATIVE_KOURIER_VERSION"
  local eventing="https://github.com/knative/eventing/releases/download/knative-v$KNATIVE_EVENTING_VERSION"
  local kafka="https://github.com/knative-extensions/eventing-kafka-broker/releases/download/knative-v$KNATIVE_KAFKA_VERSION"

  step "Knative Serving $KNATIVE_SERVING_VERSION with Kourier $KNATIVE_KOURIER_VERSION"
  kubectl apply -f "$serving/serving-crds.yaml"
  kubectl wait --for=condition=Established crd --all --timeout=120s
  kubectl apply -f "$serving/serving-core.yaml"
  kubectl apply -f "$kourier/kourier.yaml"
  kubectl apply -f "$HERE/knative/config.yaml"
  wait_deployments knative-serving
  wait_deployments kourier-system

  step "Knative Eventing $KNATIVE_EVENTING_VERSION with the Kafka broker $KNATIVE_KAFKA_VERSION"
  kubectl apply -f "$eventing/eventing-crds.yaml"
  kubectl wait --for=condition=Established crd --all --timeout=120s
  kubectl apply -f "$eventing/eventing-core.yaml"
  # Control plane, then the data planes of the Broker, the KafkaSink (dead letters) and KafkaSource.
  kubectl apply -f "$kafka/eventing-kafka-controller.yaml"
  kubectl apply -f "$kafka/eventing-kafka-broker.yaml"
  kubectl apply -f "$kafka/eventing-kafka-sink.yaml"
  kubectl apply -f "$kafka/eventing-kafka-source.yaml"
  wait_deployments knative-eventing 600s
}

install_kafka() {
  step "Strimzi $STRIMZI_VERSION and the Kafka cluster shop-kafka"
  helm upgrade --install strimzi oci://quay.io/strimzi-helm/strimzi-kafka-operator \
    --version "$STRIMZI_VERSION" --namespace kafka --create-namespace --wait
  kubectl apply -f "$HERE/kafka/kafka.yaml"
  kubectl -n kafka wait kafka/shop-kafka --for=condition=Ready --timeout=900s
  kubectl -n kafka wait kafkatopic --all --for=condition=Ready --timeout=300s
}

# One Secret per function, made once: its Postgres role's password and its DATABASE_URL.
db_secrets() {
  local fn password
  for fn in "${FUNCTIONS[@]}"; do
    if kubectl -n shop get secret "$fn-db" >/dev/null 2>&1; then continue; fi
    password="$(openssl rand -hex 24)"
    kubectl -n shop create secret generic "$fn-db" --type=kubernetes.io/basic-auth \
      --from-literal=username="$fn" \
      --from-literal=password="$password" \
      --from-literal=url="postgres://$fn:$password@shop-db-rw.shop.svc:5432/shop"
    kubectl -n shop label secret "$fn-db" cnpg.io/reload=true app.kubernetes.io/part-of=shop
  done
}

install_postgres() {
  step "CloudNativePG $CNPG_VERSION and the Postgres cluster shop-db"
  kubectl apply --server-side -f \
    "https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/release-${CNPG_VERSION%.*}/releases/cnpg-$CNPG_VERSION.yaml"
  wait_deployments cnpg-system
  kubectl apply -f "$ROOT/knative/base/namespace.yaml"
  db_secrets
  kubectl apply -f "$HERE/postgres/cluster.yaml"
  kubectl -n shop wait cluster/shop-db --for=condition=Ready --timeout=600s
}

install_vault() {
  step "Vault"
  if [[ -x "$HERE/vault/setup.sh" ]]; then
    "$HERE/vault/setup.sh"
  else
    printf 'infra/cluster/vault/setup.sh is missing: functions will use generated dev secrets.\n'
  fi
}

install_gateway() {
  step "Envoy Gateway $ENVOY_GATEWAY_VERSION and the gateway shop"
  helm upgrade --install eg oci://docker.io/envoyproxy/gateway-helm \
    --version "v$ENVOY_GATEWAY_VERSION" --namespace envoy-gateway-system --create-namespace --wait
  kubectl apply -k "$HERE/gateway"
  kubectl -n shop wait gateway/shop --for=condition=Programmed --timeout=300s
}

# One image per function with functions/Dockerfile, named as knative/overlays/local expects.
build_images() {
  local fn image
  need docker "the Docker CLI and an engine"
  for fn in "${FUNCTIONS[@]}"; do
    image="dev.local/$fn:dev"
    step "Building $image with functions/Dockerfile"
    docker build -f "$ROOT/functions/Dockerfile" --build-arg FUNCTION="$fn" -t "$image" "$ROOT"
  done
}

deploy_functions() {
  local overlay="$ROOT/knative/overlays/local" fn image
  if [[ "$BUILD" == docker || "$BUILD" == prebuilt ]]; then
    if [[ "$BUILD" == docker ]]; then build_images; fi
    for fn in "${FUNCTIONS[@]}"; do
      image="dev.local/$fn:dev"
      docker image inspect "$image" >/dev/null 2>&1 || die "no image $image (build it: up.sh images)"
      if [[ "$CLUSTER" == kind ]]; then kind load docker-image "$image" --name "$PROFILE"; fi
    done
    step "Applying knative/overlays/local"
    kubectl apply -k "$overlay"
    return
  fi
  step "Building the workspace (pnpm $PNPM_VERSION)"
  (cd "$ROOT" && pnpm install --frozen-lockfile && pnpm run generate)
  # kn func makes the Knative Services from func.yaml; kustomize makes the rest first (the
  # ServiceAccounts the functions run as, the Broker, Triggers and PingSources).
  step "Applying knative/overlays/local without the function Services"
  kubectl apply -k "$overlay" -l 'app.kubernetes.io/component!=function'
  for fn in "${FUNCTIONS[@]}"; do
    image="dev.local/$fn:dev"
    step "kn func deploy $fn ($image)"
    # A buildpack sees one folder: stage the function with its workspace packages vendored.
    (cd "$ROOT" && pnpm exec tsx tools/src/deploy/stage.ts "$fn" "$STAGE/$fn")
    if [[ "$CLUSTER" == kind ]]; then
      func_cli build --path "$STAGE/$fn" --image "$image" --builder pack
      kind load docker-image "$image" --name "$PROFILE"
      func_cli deploy --path "$STAGE/$fn" --image "$image" --namespace shop --build=false --push=false
    else
      func_cli deploy --path "$STAGE/$fn" --image "$image" --namespace shop --builder pack --push=false
    fi
  done
}

# Every function's Knative Service Ready (each waits for its first pod: migrations, Kafka producer).
wait_functions() {
  step "Waiting for the functions to be Ready"
  kubectl -n shop wait ksvc --all --for=condition=Ready --timeout="${FUNCTIONS_TIMEOUT:-600s}"
}

print_urls() {
  local svc
  svc="$(kubectl -n envoy-gateway-system get service \
    -l gateway.envoyproxy.io/owning-gateway-name=shop,gateway.envoyproxy.io/owning-gateway-namespace=shop \
    -o jsonpath='{.items[0].metadata.name}')"
  step "Shop is up"
  kubectl -n shop get ksvc
  if [[ "$CLUSTER" == minikube ]]; then
    printf 'Gateway (Connect APIs):\n'
    minikube -p "$PROFILE" service -n envoy-gateway-system "$svc" --url
  else
    printf 'Gateway (Connect APIs): kubectl -n envoy-gateway-system port-forward service/%s 8080:80\n' "$svc"
  fi
  printf 'Watch events: kubectl -n shop logs -f -l serving.knative.dev/service=event-display -c user-container\n'
}

main() {
  case "${1:-}" in
    down)
      if [[ "$CLUSTER" == minikube ]]; then minikube delete -p "$PROFILE"; else kind delete cluster --name "$PROFILE"; fi
      return
      ;;
    images)
      build_images
      return
      ;;
    "") ;;
    *) die "unknown command ${1} (none, images or down)" ;;
  esac
  check_tools
  start_cluster
  install_knative
  install_kafka
  install_postgres
  install_vault
  install_gateway
  deploy_functions
  wait_functions
  print_urls
}

main "$@"
