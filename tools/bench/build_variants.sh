#!/usr/bin/env bash
# Build the variants of docs/benchmark.md: the site with each page-speed part switched off.
#
#   tools/bench/build_variants.sh [COMMIT] [DIR]     (defaults: HEAD, /tmp/nea-bench)
#
# Each variant is a detached `git worktree` of COMMIT in DIR/NAME, edited as below, built with
# the build virtualenv's Python (.nox/build/bin/python: `nox -s build --install-only` makes it)
# and PYTHONPATH set to the copy's src/, so the copy's own extensions are the ones imported:
#
#   all        unchanged
#   no-bundle  _config.yml without nea_edition.site.stylesheet_bundle (so no icon cut either:
#              icon_font runs only inside the bundle)
#   no-icons   stylesheet_bundle kept, its call of icon_font.cut_icons removed (the bundle keeps
#              every icon rule and points at the theme's whole fa-solid-900.woff2)
#   no-defer   _config.yml without nea_edition.site.deferred_scripts
#   none       neither extension
#
# The edits fit the sources of commit 871901a; the script stops if one of them no longer applies.
# Then: python tools/bench/http2_lighthouse.py all=DIR/all/_build/html ... (see its docstring).
# Remove the copies with `git worktree remove --force DIR/NAME`.
set -euo pipefail
commit=${1:-HEAD}
dir=${2:-/tmp/nea-bench}
repo=$(git rev-parse --show-toplevel)
python=${PYTHON:-$repo/.nox/build/bin/python}
mkdir -p "$dir"

edit() { # FILE SED-SCRIPT: apply, and fail unless the file changed
  local before
  before=$(sha256sum "$1")
  sed -i "$2" "$1"
  [[ $(sha256sum "$1") != "$before" ]] || { echo "edit no longer applies to $1: $2" >&2; exit 1; }
}

for v in all no-bundle no-icons no-defer none; do
  [[ ! -e $dir/$v ]] || { echo "$dir/$v exists: remove it or give another DIR" >&2; exit 1; }
  git -C "$repo" worktree add --detach "$dir/$v" "$commit" >/dev/null
done
edit "$dir/no-bundle/_config.yml" '/^    - nea_edition.site.stylesheet_bundle$/d'
edit "$dir/none/_config.yml" '/^    - nea_edition.site.stylesheet_bundle$/d'
edit "$dir/no-defer/_config.yml" '/^    - nea_edition.site.deferred_scripts$/d'
edit "$dir/none/_config.yml" '/^    - nea_edition.site.deferred_scripts$/d'
edit "$dir/no-icons/src/nea_edition/site/stylesheet_bundle.py" \
  's/^    text = cut_icons(bundle_text(outdir, files), outdir \/ "_static", icons)$/    text = bundle_text(outdir, files)/'

for v in all no-bundle no-icons no-defer none; do
  echo "building $v"
  (cd "$dir/$v" && PYTHONPATH="$dir/$v/src" NEA_EDITION_ROOT="$dir/$v" NEA_EDITION_PDF=off \
    "$python" -m nea_edition.build --root "$dir/$v" >"$dir/build-$v.log" 2>&1) \
    || { echo "$v did not build: $dir/build-$v.log" >&2; exit 1; }
done
echo "built: $dir/{all,no-bundle,no-icons,no-defer,none}/_build/html"
