#!/usr/bin/env bash
# Build the portal's front end from GOV.UK Frontend into ../static (which is committed,
# so running the portal needs no Node). Run from anywhere: frontend/build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
static="$(cd "$here/.." && pwd)/static"
cd "$here"

npm ci --no-audit --no-fund

govuk="node_modules/govuk-frontend/dist/govuk"
mkdir -p "$static/css" "$static/js" "$static/images"

# CSS: Arial, no GDS Transport font faces, images under /static/images/.
npx sass --no-source-map --style=compressed --load-path=node_modules \
  --quiet-deps --silence-deprecation=import \
  src/portal.scss "$static/css/portal.css"

# JavaScript: the ES module bundle, loaded by static/js/app.js.
# The source map comment is dropped: the map is not shipped, and Django's manifest static
# storage (collectstatic) fails on a sourceMappingURL whose file is missing.
sed -e 's|//# sourceMappingURL=[^ ]*$||' "$govuk/govuk-frontend.min.js" > "$static/js/govuk-frontend.min.js"

# Images: every image GOV.UK Frontend ships (favicons, app icons, mask icon, Open Graph
# image, royal crest) carries the GOV.UK crown or the crest, which this portal must not
# use. So none is copied; the portal's own favicon is static/images/favicon.svg.
# List here any crown-free image from "$govuk/assets/images" the CSS comes to need.
govuk_images=()
for image in "${govuk_images[@]+"${govuk_images[@]}"}"; do
  cp "$govuk/assets/images/$image" "$static/images/$image"
done

# Guard: the compiled CSS must not point at crown images or GOV.UK fonts.
if grep -Eo 'url\([^)]*\)' "$static/css/portal.css" | grep -Eiq 'crest|crown|govuk-icon|favicon|opengraph|woff'; then
  echo "build.sh: portal.css references a GOV.UK crown image or font" >&2
  exit 1
fi
for ref in $(grep -Eo 'url\([^)]*\)' "$static/css/portal.css" | sed -E 's/^url\("?([^")]*)"?\)$/\1/' | sort -u); do
  case "$ref" in
    data:*) ;;
    /static/*) test -f "$static/${ref#/static/}" || { echo "build.sh: missing $ref" >&2; exit 1; } ;;
    *) echo "build.sh: unexpected url($ref) in portal.css" >&2; exit 1 ;;
  esac
done

echo "Built $(node -p 'require("./node_modules/govuk-frontend/package.json").version') into $static"
