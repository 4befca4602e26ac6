#!/usr/bin/env bash
# Installs the Debian packages the tests use (real Chromium, ffmpeg for fake-camera clips,
# zbarimg to decode rendered labels, strace to see the stores fsync) when they are missing.
# Needs root on a fresh machine.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v ippeveprinter >/dev/null || need+=(cups-ipp-utils)
command -v dbus-daemon >/dev/null || need+=(dbus)
command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
command -v strace >/dev/null || need+=(strace)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"
