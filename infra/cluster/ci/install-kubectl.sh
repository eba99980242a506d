#!/usr/bin/env bash
# Installs kubectl VERSION (e.g. v1.32.4) into DIR from the Kubernetes release site, checked against its
# published SHA-256. For CI runners and pipeline steps that have no kubectl of that version.
#   install-kubectl.sh v1.32.4 /usr/local/bin
set -euo pipefail
version="${1:?usage: install-kubectl.sh VERSION DIR}"
dir="${2:?usage: install-kubectl.sh VERSION DIR}"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-kubectl.sh: no kubectl build for $(uname -m)" >&2; exit 1 ;;
esac
url="https://dl.k8s.io/release/$version/bin/linux/$arch/kubectl"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/kubectl" "$url"
echo "$(curl -fsSL --retry 3 "$url.sha256")  $tmp/kubectl" | sha256sum --check --quiet
mkdir -p "$dir"
install -m 0755 "$tmp/kubectl" "$dir/kubectl"
"$dir/kubectl" version --client
