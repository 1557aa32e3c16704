#!/usr/bin/env bash
# Builds a release archive: the static selfhost binary (catalog and templates inside, Swift
# runtime linked in, libcurl from the system), shell completions and the man page.
#   scripts/release.sh [OUTDIR]      → OUTDIR/selfhost-<version>-linux-<arch>.tar.gz (default: dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

swift build -c release --static-swift-stdlib --product selfhost
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/selfhost
version=$("$bin" --version)
arch=$(uname -m)
name="selfhost-${version}-linux-${arch}"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
         "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d"

install -m 0755 "$bin" "$root/bin/selfhost"
"$bin" --generate-completion-script bash > "$root/share/bash-completion/completions/selfhost"
"$bin" --generate-completion-script zsh  > "$root/share/zsh/site-functions/_selfhost"
"$bin" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/selfhost.fish"

# The man page comes from swift-argument-parser's generate-manual plugin (one page, every
# subcommand as a section); it writes into the plugin's work directory under .build/plugins.
swift package plugin generate-manual --configuration release >/dev/null
man=$(find .build/plugins/GenerateManual/outputs -name selfhost.1 | head -n1)
[ -n "$man" ] || { echo "release.sh: generate-manual wrote no selfhost.1" >&2; exit 1; }
install -m 0644 "$man" "$root/share/man/man1/selfhost.1"
cp README.md "$root/"

tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
