#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: system packages (as root), npm packages, then
# typecheck, lint, unit/parity tests (Vitest) and browser tests (Playwright against the production build).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium libvulkan1 python3-torch python3-torchvision python3-sklearn python3-scipy python3-pil python3-numpy dataset-fashion-mnist)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "!! missing Debian packages (run as root to install them): ${missing[*]}" >&2
  fi
fi

echo "== npm ci"
npm ci --no-audit --no-fund
echo "== typecheck"; npm run typecheck
echo "== lint"; npm run lint
echo "== unit and parity tests"; npm run test:unit
echo "== production build"; npm run build
echo "== browser tests"; npm run test:e2e
