#!/usr/bin/env bash
# Make sure a PulseAudio server binary exists for the tests' virtual sound device.
# The tests themselves start and stop it (tests/soundserver.py).
set -euo pipefail
if command -v pulseaudio >/dev/null 2>&1 && command -v parec >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "Cần gói pulseaudio và pulseaudio-utils: sudo apt-get install pulseaudio pulseaudio-utils" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pulseaudio pulseaudio-utils
