#!/usr/bin/env bash
# `make demo`: ingest the sample policies, start the server, start an ISO 27001 assessment
# as a background job, and print the URL and a fresh admin token. Run it again at will: it
# stops the server an earlier run left, and mints a new token each time.
set -euo pipefail
BIN=.venv/bin
DATA=${ASSAY_DATA_DIR:-data}
PORT=${ASSAY_DEMO_PORT:-8000}
PIDFILE="$DATA/demo-server.pid"
URL="http://127.0.0.1:$PORT"
mkdir -p "$DATA"

if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "stopping the server of an earlier demo (pid $(cat "$PIDFILE"))" >&2
  kill "$(cat "$PIDFILE")"
  sleep 2
fi

"$BIN/assay" ingest samples
"$BIN/assay" users create admin --admin >/dev/null 2>&1 || true  # exists after a first run
TOKEN=$("$BIN/assay" tokens create admin)

nohup "$BIN/assay" serve --port "$PORT" >"$DATA/demo-server.log" 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 1 180); do
  curl -fs "$URL/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "$URL/health" >/dev/null || { echo "the server did not start; see $DATA/demo-server.log" >&2; exit 1; }

JOB=$(curl -fsS -X POST "$URL/workspaces/default/assessments" \
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"framework": "iso27001-2022"}')
echo "started the ISO 27001 assessment as a background job: $JOB" >&2
echo
echo "Assay is running at $URL/"
echo "Sign in with this admin token: $TOKEN"
echo "The assessment fills in while you review; the server log is $DATA/demo-server.log."
echo "Stop the server with: make stop"
