#!/usr/bin/env bash
# Pushes the tested images dev.local/<function>:dev to REGISTRY/shop-<function>:TAG (and :latest), with
# REGISTRY_USER / REGISTRY_PASSWORD (given on stdin to docker login, never on a command line).
#   publish.sh ghcr.io/OWNER "$GITHUB_SHA"
set -euo pipefail
registry="${1:?usage: publish.sh REGISTRY TAG}"
tag="${2:?usage: publish.sh REGISTRY TAG}"
FUNCTIONS=(identity catalog orders promotions inventory payments redrive shipping webhooks analytics notifications cart audit)
printf '%s' "${REGISTRY_PASSWORD:?}" | docker login "${registry%%/*}" --username "${REGISTRY_USER:?}" --password-stdin
for fn in "${FUNCTIONS[@]}"; do
  for t in "$tag" latest; do
    docker tag "dev.local/$fn:dev" "$registry/shop-$fn:$t"
    docker push "$registry/shop-$fn:$t"
  done
done
