#!/usr/bin/env bash
# Installs TOOL (kind or kubectl) at VERSION into DIR from its release site, checked against the
# SHA-256 that site publishes. For CI runners and pipeline steps that have no such tool of that version.
#   install-tool.sh kubectl v1.32.4 /usr/local/bin
#   install-tool.sh kind v0.29.0 "$HOME/.local/bin"
set -euo pipefail
tool="${1:?usage: install-tool.sh kind|kubectl VERSION DIR}"
version="${2:?usage: install-tool.sh kind|kubectl VERSION DIR}"
dir="${3:?usage: install-tool.sh kind|kubectl VERSION DIR}"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-tool.sh: no $tool build for $(uname -m)" >&2; exit 1 ;;
esac
case "$tool" in
  kind) url="https://kind.sigs.k8s.io/dl/$version/kind-linux-$arch" sums="$url.sha256sum" check=(version) ;;
  kubectl) url="https://dl.k8s.io/release/$version/bin/linux/$arch/kubectl" sums="$url.sha256" check=(version --client) ;;
  *) echo "install-tool.sh: unknown tool $tool (kind or kubectl)" >&2; exit 1 ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/$tool" "$url"
echo "$(curl -fsSL --retry 3 "$sums" | cut -d' ' -f1)  $tmp/$tool" | sha256sum --check --quiet
mkdir -p "$dir"
install -m 0755 "$tmp/$tool" "$dir/$tool"
"$dir/$tool" "${check[@]}"
