#!/usr/bin/env bash
# Installs kind VERSION (e.g. v0.29.0) into DIR from kind's release site, checked against its published
# SHA-256.
#   install-kind.sh v0.29.0 "$HOME/.local/bin"
set -euo pipefail
version="${1:?usage: install-kind.sh VERSION DIR}"
dir="${2:?usage: install-kind.sh VERSION DIR}"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-kind.sh: no kind build for $(uname -m)" >&2; exit 1 ;;
esac
url="https://kind.sigs.k8s.io/dl/$version/kind-linux-$arch"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/kind" "$url"
echo "$(curl -fsSL --retry 3 "$url.sha256sum" | cut -d' ' -f1)  $tmp/kind" | sha256sum --check --quiet
mkdir -p "$dir"
install -m 0755 "$tmp/kind" "$dir/kind"
"$dir/kind" version
