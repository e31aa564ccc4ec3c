#!/usr/bin/env bash
# Install the Debian packages xephang uses beyond Python (run as root; a no-op when all are present).
#   libreoffice-writer-nogui  DOCX -> PDF of the decision, annexes and report
#   fonts-liberation2         Times New Roman metrics with all Vietnamese letters (fonts-liberation lacks 92)
#   poppler-utils             pdftoppm, for PNG previews of documents
set -euo pipefail
packages=(libreoffice-writer-nogui fonts-liberation2 poppler-utils)
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
