#!/usr/bin/env bash
# The Debian packages the README's two commands need, installed when missing.
#
#   scripts/system-packages.sh run    what `make run` needs (gettext, venv, npm, PDF fonts)
#   scripts/system-packages.sh test   that plus what the suite drives (Chromium, pdftotext,
#                                     docker-compose to validate the compose file)
#
# Only the missing packages are installed, so a machine that has them all runs no apt at all.
# As root with apt-get it installs them; otherwise it stops at once and names the one
# command to run, instead of letting the suite fail later with a less helpful error.
set -euo pipefail

purpose=${1:-test}
packages=(gettext fonts-noto-cjk)
if [ "$purpose" = test ]; then
    packages+=(chromium chromium-driver poppler-utils docker-compose)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
if command -v dpkg-query >/dev/null; then
    for pkg in "${packages[@]}"; do
        installed "$pkg" || missing+=("$pkg")
    done
fi
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null || missing+=(npm)
command -v make >/dev/null || missing+=(make)

((${#missing[@]})) || exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "[setup] missing system packages: ${missing[*]}" >&2
    echo "[setup] install them, then run this again:  sudo apt-get update && sudo $command" >&2
    exit 1
fi
echo "[setup] installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 - the package names are words
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
