#!/usr/bin/env bash
# The portal's stylesheet: Bootstrap's Sass with the portal's identity (static/scss/) into
# static/build/ (not kept in Git), left to right, then mirrored by rtlcss for Arabic. Both are
# compiled in full first (rtlcss reads Bootstrap's /* rtl: */ comments), then compressed.
# Run by scripts/setup.sh (when its inputs changed) and by bench/lighthouse/run.py --commit.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
node_modules/.bin/sass --load-path=node_modules --style=expanded --no-source-map --quiet-deps \
  --silence-deprecation=import static/scss/portal.scss "$build/ltr.css"
node_modules/.bin/rtlcss --silent "$build/ltr.css" "$build/rtl.css"
mkdir -p static/build
node_modules/.bin/sass --style=compressed --no-source-map "$build/ltr.css" static/build/portal.bootstrap.css
node_modules/.bin/sass --style=compressed --no-source-map "$build/rtl.css" static/build/portal.bootstrap.rtl.css
