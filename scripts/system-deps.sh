#!/usr/bin/env bash
# Install the Debian packages xephang uses beyond Python (run as root; a no-op when all are present).
#   libreoffice-writer-nogui  DOCX -> PDF of the decision, annexes and report
#   fonts-liberation2         Times New Roman metrics with all Vietnamese letters (fonts-liberation lacks 92)
#   poppler-utils             pdftoppm, for PNG previews of documents
#   chromium                  the web application's end-to-end tests and screenshots (Playwright drives it)
#   postgresql                the web tests' throw-away server (.ci/run), unless initdb/pg_ctl are present
set -euo pipefail
packages=(libreoffice-writer-nogui fonts-liberation2 poppler-utils chromium)
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  packages+=(postgresql)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
