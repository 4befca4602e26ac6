#!/usr/bin/env bash
# Installs the Debian packages the tests use (real Chromium, ffmpeg for fake-camera clips,
# zbarimg to decode rendered labels, strace to see the stores fsync, the shared libraries of the
# Apache CouchDB release the CouchDB tests run) when they are missing. Needs root on a fresh
# machine.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v ippeveprinter >/dev/null || need+=(cups-ipp-utils)
command -v dbus-daemon >/dev/null || need+=(dbus)
command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
command -v strace >/dev/null || need+=(strace)
# What ldd lists for CouchDB 3.4.3's beam.smp, crypto.so and couch_ejson_compare.so beyond libc
# and libstdc++ (test/helpers/couchdb.ts); checked by soname, since they have no command.
ld_cache=$(PATH="$PATH:/usr/sbin:/sbin" ldconfig -p 2>/dev/null || true)
has_lib() { grep -qF "$1 (" <<<"$ld_cache"; }
has_lib libicuuc.so.72 || need+=(libicu72)
has_lib libcrypto.so.3 || need+=(libssl3)
has_lib libz.so.1 || need+=(zlib1g)
has_lib libtinfo.so.6 || need+=(libtinfo6)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"
