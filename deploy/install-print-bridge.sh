#!/usr/bin/env bash
# Installs the Dockhand print bridge on Raspberry Pi OS (Debian): Node 20 from the OS packages
# or an existing install, the code under /opt/dockhand, a system user, and the systemd unit.
# Usage (as root, from a checkout): deploy/install-print-bridge.sh SITE SYNC_URL BRIDGE_USER
set -euo pipefail
site=${1:?usage: install-print-bridge.sh SITE SYNC_URL BRIDGE_USER}
sync_url=${2:?sync server URL, e.g. https://dockhand.example.com}
bridge_user=${3:?name of a user with the bridge role}
src=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  apt-get update && apt-get install -y nodejs npm
fi
id dockhand >/dev/null 2>&1 || useradd --system --home /opt/dockhand --shell /usr/sbin/nologin dockhand
mkdir -p /opt/dockhand /etc/dockhand
cp -r "$src/package.json" "$src/package-lock.json" "$src/lib" "$src/print-bridge" "$src/tsconfig.json" /opt/dockhand/
(cd /opt/dockhand && npm ci --omit=dev)

env_file=/etc/dockhand/print-bridge.env
if [ ! -f "$env_file" ]; then
  read -r -s -p "Password of $bridge_user: " password; echo
  umask 077
  cat > "$env_file" <<ENV
DOCKHAND_BRIDGE_SITE=$site
DOCKHAND_SYNC_URL=$sync_url
DOCKHAND_BRIDGE_USER=$bridge_user
DOCKHAND_BRIDGE_PASSWORD=$password
DOCKHAND_BRIDGE_HTTP_HOST=127.0.0.1
DOCKHAND_BRIDGE_HTTP_PORT=9180
ENV
  chown root:dockhand "$env_file"; chmod 640 "$env_file"
fi
install -m 644 "$src/deploy/dockhand-print-bridge.service" /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now dockhand-print-bridge
systemctl --no-pager status dockhand-print-bridge || true
echo "Status page: http://127.0.0.1:9180/"
