#!/bin/sh
# Joins couchdb1..3 into one cluster (CouchDB's documented /_cluster_setup steps), then makes sure
# the system databases exist. Safe to run again: a finished cluster answers "already finished".
set -eu
auth="$COUCHDB_USER:$COUCHDB_PASSWORD"
for n in 1 2 3; do
  until curl -fsS "http://couchdb$n.dockhand:5984/_up" >/dev/null 2>&1; do sleep 1; done
done
membership=$(curl -fsS -u "$auth" http://couchdb1.dockhand:5984/_membership)
case "$membership" in
  *couchdb3.dockhand*) echo "cluster already joined"; exit 0 ;;
esac
for n in 2 3; do
  curl -fsS -u "$auth" -H 'content-type: application/json' -X POST \
    http://couchdb1.dockhand:5984/_cluster_setup \
    -d "{\"action\":\"enable_cluster\",\"bind_address\":\"0.0.0.0\",\"username\":\"$COUCHDB_USER\",\"password\":\"$COUCHDB_PASSWORD\",\"port\":5984,\"node_count\":\"3\",\"remote_node\":\"couchdb$n.dockhand\",\"remote_current_user\":\"$COUCHDB_USER\",\"remote_current_password\":\"$COUCHDB_PASSWORD\"}"
  curl -fsS -u "$auth" -H 'content-type: application/json' -X POST \
    http://couchdb1.dockhand:5984/_cluster_setup \
    -d "{\"action\":\"add_node\",\"host\":\"couchdb$n.dockhand\",\"port\":5984,\"username\":\"$COUCHDB_USER\",\"password\":\"$COUCHDB_PASSWORD\"}"
done
curl -fsS -u "$auth" -H 'content-type: application/json' -X POST \
  http://couchdb1.dockhand:5984/_cluster_setup -d '{"action":"finish_cluster"}'
curl -fsS -u "$auth" http://couchdb1.dockhand:5984/_membership
