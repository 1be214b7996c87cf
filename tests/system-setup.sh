#!/usr/bin/env bash
# Make sure the Debian packages the tests drive for real are installed: a PulseAudio server for
# the virtual sound device (tests/soundserver.py starts and stops it), and a headless Chromium
# with its driver and a font with Vietnamese letters for the web console's browser tests, and
# PostgreSQL for the district's database (tests/pgserver.py makes a throwaway cluster), and
# Icecast for the zones' IP loudspeaker clusters (tests/icecastserver.py starts one).
set -euo pipefail
need=()
command -v pulseaudio >/dev/null 2>&1 && command -v parec >/dev/null 2>&1 || need+=(pulseaudio pulseaudio-utils)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v icecast2 >/dev/null 2>&1 || need+=(icecast2)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "Cần các gói: sudo apt-get install ${need[*]}" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
