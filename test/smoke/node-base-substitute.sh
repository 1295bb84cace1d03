#!/usr/bin/env bash
# Makes a LOCAL STAND-IN for the Dockerfile's base image node:20-bookworm-slim,
# for machines that reach Debian's and npm's registries but not Docker Hub:
# Debian bookworm (debootstrap, minbase) + this machine's node and npm in
# /usr/local + a `node` user (uid 1000) as in the official image + this
# machine's CA bundle (NODE_EXTRA_CA_CERTS) so npm ci reaches the registry
# the way this machine does. It is NOT the official image: the smoke test says
# "SUBSTITUTED" wherever it is used.
#   usage (root): test/smoke/node-base-substitute.sh [image name]
#   then: SMOKE_PODMAN=1 SMOKE_NODE_BASE=localhost/hearken-node-base:20 npm run test:smoke -- --database-url …
# Needs: debootstrap, buildah (apt-get install debootstrap buildah podman).
set -euo pipefail
name=${1:-localhost/hearken-node-base:20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
mkdir -p "$root/usr/local/share/ca-certificates-host"
cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/ca-certificates-host/"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
storage=(--storage-driver "${SMOKE_PODMAN_STORAGE_DRIVER:-vfs}")
c=$(buildah "${storage[@]}" from scratch)
buildah "${storage[@]}" copy "$c" "$root/" / >/dev/null
buildah "${storage[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env "NODE_VERSION=$(node -p 'process.versions.node')" \
  --env NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates-host/ca-certificates.crt --cmd node \
  --label "org.opencontainers.image.description=LOCAL STAND-IN for node:20-bookworm-slim (debootstrap bookworm + this machine's node $(node --version))" "$c"
buildah "${storage[@]}" commit --rm "$c" "$name" >/dev/null
echo "$name"
