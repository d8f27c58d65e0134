#!/usr/bin/env bash
# Rebuild src/nea_edition/site/static/plotly-edition-<version>.min.js, the partial plotly.js bundle
# the site serves on chart pages. Run it after upgrading the `plotly` Python package: the
# plotly.js version here must equal the one plotly.py bundles
# (python -c "from plotly.offline import get_plotlyjs_version as v; print(v())"), or the build
# fails and says so (nea_edition/site/charts.py).
# Needs Node.js and npm. Uses plotly.js's own sources and esbuild, nothing else, at the exact
# versions of package-lock.json (`npm ci`). To move plotly.js: edit package.json, run
# `npm install --package-lock-only`, then this script, and commit all three files.
set -euo pipefail
cd "$(dirname "$0")"
version=$(node -p "require('./package.json').devDependencies['plotly.js']")
npm ci --no-audit --no-fund --silent
out=../../src/nea_edition/site/static/plotly-edition-${version}.min.js
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --alias:stream=stream-browserify \
  --outfile="$out" --log-level=warning
# esbuild also writes the map library's stylesheet that plotly.js's registry imports; cartesian
# charts do not use it.
rm -f "${out%.js}.css"
cp node_modules/plotly.js/LICENSE ../../src/nea_edition/site/static/plotly-edition-LICENSE.txt
echo "wrote $out ($(wc -c < "$out") bytes)"
