#!/usr/bin/env bash
# The benchmark in one command: build Release, make certificates and credentials, start on loopback
# a backend, Redis, nginx and the gateway, drive every row with bench/LoadGen, print the table,
# write bench/results/latest.{md,json}, and stop everything it started.
#
#   bench/run.sh [--duration S] [--warmup S] [--prime S] [--connections N] [--runs N] [--rows a,b,...]
#                [--out DIR] [--log-format json|text] [--no-build] [--wrk]
#
# See bench/README.md for what each row means and how to read the table.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
WORK=${BENCH_WORK:-$HERE/.run}

DURATION=10
WARMUP=3
PRIME=4
CONNECTIONS=16
RUNS=3
ROWS=""
OUT="$HERE/results"
LOG_FORMAT=json
BUILD=1
WRK=0

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --prime) PRIME=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --log-format) LOG_FORMAT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --wrk) WRK=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '[bench] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- processes we start; stopped in reverse order on any exit ------------------------------------
PIDS=()
NAMES=()
cleanup() {
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        say "${NAMES[$i]} (pid $pid) did not stop on TERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started() { PIDS+=("$1"); NAMES+=("$2"); }

# --- tools ----------------------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  if [[ $WRK == 1 ]]; then command -v wrk >/dev/null || missing+=(wrk); fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    say "installing with apt-get: ${missing[*]}"
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || die "dotnet (the .NET 10 SDK) is needed"
}

NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- build ----------------------------------------------------------------------------------------
build() {
  say "building Release: gateway, bench backend, load generator"
  dotnet publish "$ROOT/src/Gateway/Gateway.csproj" -c Release -o "$WORK/bin/gateway" --nologo -v quiet
  dotnet publish "$HERE/Backend/Backend.csproj" -c Release -o "$WORK/bin/backend" --nologo -v quiet
  dotnet publish "$HERE/LoadGen/LoadGen.csproj" -c Release -o "$WORK/bin/loadgen" --nologo -v quiet
}

# --- certificates: CA, server (localhost, 127.0.0.1), client with the client-auth EKU -------------
make_certs() {
  local d="$WORK/certs"
  [[ -f $d/client.pem && -f $d/server.pem ]] && return
  say "making certificates in $d"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=Gateway Bench CA" \
    -keyout "$d/ca-key.pem" -out "$d/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server-key.pem" -out "$d/server.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 30 -sha256 \
    -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=bench-client.internal" -keyout "$d/client-key.pem" -out "$d/client.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' > "$d/client.ext"
  openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 30 -sha256 \
    -extfile "$d/client.ext" -out "$d/client.pem" 2>/dev/null
  rm -f "$d"/*.csr "$d"/*.ext
}

# --- credentials: a fresh API key, HMAC secret and RS256 key + token per run ----------------------
make_credentials() {
  mkdir -p "$WORK/creds"
  API_KEY="bench-$(openssl rand -hex 16)"
  API_KEY_HASH="sha256:$(printf '%s' "$API_KEY" | sha256sum | cut -d' ' -f1)"
  HMAC_KEY_ID="bench-hmac"
  HMAC_SECRET=$(openssl rand -hex 32)
  OAUTH_ISSUER="https://issuer.bench.local"
  OAUTH_AUDIENCE="bench-api"
  dotnet "$WORK/bin/loadgen/LoadGen.dll" prepare-oauth2 --out "$WORK/creds" \
    --issuer "$OAUTH_ISSUER" --audience "$OAUTH_AUDIENCE" --client-id bench-oauth2 --scope bench
}

# --- ports ----------------------------------------------------------------------------------------
USED_PORTS=" "
free_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 200); do
    [[ $USED_PORTS == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      USED_PORTS+="$p "
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

# --- configs ----------------------------------------------------------------------------------------
write_nginx_conf() {
  local n="$WORK/nginx" c="$WORK/certs"
  mkdir -p "$n/tmp" "$WORK/logs"
  local headers="
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;"
  cat > "$n/nginx.conf" <<EOF
# Written by bench/run.sh. nginx as a plain reverse proxy, as deployed: access log on.
worker_processes auto;
pid $n/nginx.pid;
error_log $WORK/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $WORK/logs/nginx-access.log combined;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  # Kestrel does not cap requests per kept-alive connection; nginx's default (1000) would make
  # the nginx rows reconnect (a TLS handshake) every 1000 requests, so lift it on both sides.
  keepalive_requests 1000000;

  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }

  ssl_certificate $c/server.pem;
  ssl_certificate_key $c/server-key.pem;
  ssl_protocols TLSv1.2 TLSv1.3;

  # Counterpart of the gateway's Auth None route: HTTPS, no client certificate.
  server {
    listen 127.0.0.1:$NGINX_PORT ssl;
    location / {$headers
      proxy_pass http://backend;
    }
  }

  # Counterpart of the Mtls route: client certificate required and verified against the bench CA.
  server {
    listen 127.0.0.1:$NGINX_MTLS_PORT ssl;
    ssl_client_certificate $c/ca.pem;
    ssl_verify_client on;
    ssl_verify_depth 2;
    location / {$headers
      proxy_set_header X-Client-CN \$ssl_client_s_dn;
      proxy_set_header X-Client-Verify \$ssl_client_verify;
      proxy_pass http://backend;
    }
  }

  # Plain HTTP (informational row nginx-http only).
  server {
    listen 127.0.0.1:$NGINX_HTTP_PORT;
    location / {$headers
      proxy_pass http://backend;
    }
  }
}
EOF
}

write_gateway_conf() {
  local c="$WORK/certs"
  GATEWAY_CONFIG="$WORK/appsettings.bench.json"
  cat > "$GATEWAY_CONFIG" <<EOF
{
  "Logging": { "Format": "$LOG_FORMAT" },
  "Kestrel": {
    "Endpoints": {
      "Https": {
        "Url": "https://127.0.0.1:$GATEWAY_PORT",
        "Certificate": { "Path": "$c/server.pem", "KeyPath": "$c/server-key.pem" }
      }
    }
  },
  "ConnectionStrings": { "Redis": "127.0.0.1:$REDIS_PORT" },
  "ReverseProxy": {
    "Routes": {
      "none":   { "ClusterId": "backend", "Match": { "Path": "/none/{**rest}" },   "Metadata": { "Auth": "None" } },
      "apikey": { "ClusterId": "backend", "Match": { "Path": "/apikey/{**rest}" }, "Metadata": { "Auth": "ApiKey", "Scopes": "bench" } },
      "oauth2": { "ClusterId": "backend", "Match": { "Path": "/oauth2/{**rest}" }, "Metadata": { "Auth": "OAuth2", "Scopes": "bench" } },
      "mtls":   { "ClusterId": "backend", "Match": { "Path": "/mtls/{**rest}" },   "Metadata": { "Auth": "Mtls", "Scopes": "bench" } },
      "hmac":   { "ClusterId": "backend", "Match": { "Path": "/hmac/{**rest}" },   "Metadata": { "Auth": "Hmac", "Scopes": "bench" } }
    },
    "Clusters": {
      "backend": { "Destinations": { "d1": { "Address": "http://127.0.0.1:$BACKEND_PORT/" } } }
    }
  },
  "Auth": {
    "ApiKey": {
      "Header": "X-API-Key",
      "Clients": { "bench-apikey": { "Keys": [ "$API_KEY_HASH" ], "Scopes": [ "bench" ] } }
    },
    "OAuth2": {
      "Issuer": "$OAUTH_ISSUER",
      "Audience": "$OAUTH_AUDIENCE",
      "JwksUri": "http://127.0.0.1:$BACKEND_PORT/jwks.json",
      "Algorithms": [ "RS256" ],
      "ClockSkew": "00:00:30"
    },
    "Mtls": {
      "TrustedCaFile": "$c/ca.pem",
      "Clients": { "bench-client.internal": { "Scopes": [ "bench" ] } }
    },
    "Hmac": {
      "MaxSkew": "00:05:00",
      "MaxBodyBytes": 1048576,
      "Clients": { "$HMAC_KEY_ID": { "Secret": "$HMAC_SECRET", "Scopes": [ "bench" ] } }
    }
  }
}
EOF
}

# --- start and wait -----------------------------------------------------------------------------------
wait_for() { # name pid url [curl options...]
  local name=$1 pid=$2 url=$3; shift 3
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$WORK/logs/$name.log" >&2 || true; die "$name exited during start (log: $WORK/logs/$name.log)"; }
    if curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; then return; fi
    sleep 0.2
  done
  die "$name did not answer $url within 60 s (log: $WORK/logs/$name.log)"
}

start_all() {
  rm -rf "$WORK/logs"
  mkdir -p "$WORK/logs"
  BACKEND_PORT=$(free_port); REDIS_PORT=$(free_port); GATEWAY_PORT=$(free_port)
  NGINX_PORT=$(free_port); NGINX_MTLS_PORT=$(free_port); NGINX_HTTP_PORT=$(free_port)

  (cd "$WORK" && ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
    exec dotnet "$WORK/bin/backend/Bench.Backend.dll" --url "http://127.0.0.1:$BACKEND_PORT" --jwks "$WORK/creds/jwks.json") \
    > "$WORK/logs/backend.log" 2>&1 &
  started $! backend
  BACKEND_PID=$!

  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --logfile "$WORK/logs/redis.log" > /dev/null 2>&1 &
  started $! redis
  REDIS_PID=$!

  wait_for backend "$BACKEND_PID" "http://127.0.0.1:$BACKEND_PORT/ping"
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break
    kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server exited (log: $WORK/logs/redis.log)"
    sleep 0.1
  done

  write_nginx_conf
  "$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/logs/nginx-error.log" \
    || die "nginx rejected $WORK/nginx/nginx.conf"
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/logs/nginx-error.log" -g 'daemon off;' \
    > "$WORK/logs/nginx.log" 2>&1 &
  started $! nginx
  NGINX_PID=$!
  wait_for nginx "$NGINX_PID" "https://127.0.0.1:$NGINX_PORT/ping" -k

  write_gateway_conf
  # As the Dockerfile runs it: Production, JSON request logs (Logging:Format in the config above),
  # polling file watcher for config reloads.
  # For A/B experiments: BENCH_GATEWAY_ENV="NAME=value ..." reaches the gateway process only, and
  # BENCH_GATEWAY_BIN=DIR runs another published build of it.
  # shellcheck disable=SC2086
  (cd "$WORK" && exec env ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production DOTNET_USE_POLLING_FILE_WATCHER=true \
    ${BENCH_GATEWAY_ENV:-} dotnet "${BENCH_GATEWAY_BIN:-$WORK/bin/gateway}/Gateway.dll" --config "$GATEWAY_CONFIG") >> "$WORK/logs/gateway.log" 2>&1 &
  started $! gateway
  GATEWAY_PID=$!
  wait_for gateway "$GATEWAY_PID" "https://127.0.0.1:$GATEWAY_PORT/healthz" -k
  say "started: backend :$BACKEND_PORT (pid $BACKEND_PID), redis :$REDIS_PORT, nginx :$NGINX_PORT/:$NGINX_MTLS_PORT/:$NGINX_HTTP_PORT (master pid $NGINX_PID), gateway :$GATEWAY_PORT (pid $GATEWAY_PID)"
}

write_env() {
  ENV_FILE="$WORK/env.json"
  cat > "$ENV_FILE" <<EOF
{
  "gatewayUrl": "https://127.0.0.1:$GATEWAY_PORT",
  "gatewayPid": $GATEWAY_PID,
  "nginxUrl": "https://127.0.0.1:$NGINX_PORT",
  "nginxMtlsUrl": "https://127.0.0.1:$NGINX_MTLS_PORT",
  "nginxHttpUrl": "http://127.0.0.1:$NGINX_HTTP_PORT",
  "nginxPid": $NGINX_PID,
  "serverCertFile": "$WORK/certs/server.pem",
  "clientCertFile": "$WORK/certs/client.pem",
  "clientKeyFile": "$WORK/certs/client-key.pem",
  "apiKey": "$API_KEY",
  "tokenFile": "$WORK/creds/token.jwt",
  "hmacKeyId": "$HMAC_KEY_ID",
  "hmacSecret": "$HMAC_SECRET",
  "clockTicksPerSecond": $(getconf CLK_TCK),
  "requestLogFiles": [ "$WORK/logs/gateway.log", "$WORK/logs/nginx-access.log" ],
  "nginxVersion": "$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')",
  "gitCommit": "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo '+dirty')"
}
EOF
}

# Optional cross-check of the plain rows with wrk (HTTPS keep-alive, no auth; wrk cannot present a
# client certificate). Only requests/s and latency; printed, not part of the table.
wrk_crosscheck() {
  local threads=$(( $(nproc) < CONNECTIONS ? $(nproc) : CONNECTIONS ))
  say "wrk cross-check ($CONNECTIONS connections, ${DURATION}s)"
  echo "nginx (wrk):"; wrk -t"$threads" -c"$CONNECTIONS" -d"${DURATION}s" --latency "https://127.0.0.1:$NGINX_PORT/nginx/ping" | grep -E "Requests/sec|50%|99%|Non-2xx" || true
  echo "gateway none (wrk):"; wrk -t"$threads" -c"$CONNECTIONS" -d"${DURATION}s" --latency "https://127.0.0.1:$GATEWAY_PORT/none/ping" | grep -E "Requests/sec|50%|99%|Non-2xx" || true
  echo "gateway apikey (wrk):"; wrk -t"$threads" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "X-API-Key: $API_KEY" "https://127.0.0.1:$GATEWAY_PORT/apikey/ping" | grep -E "Requests/sec|50%|99%|Non-2xx" || true
}

# --- main ---------------------------------------------------------------------------------------------
ensure_tools
mkdir -p "$WORK"
if [[ $BUILD == 1 || ! -f $WORK/bin/loadgen/LoadGen.dll ]]; then build; fi
make_certs
make_credentials
start_all
write_env
# The request logs grow by ~500 bytes a request; LoadGen empties them before each row (both are
# opened for appending), so keep the gateway's start-up lines aside first.
cp "$WORK/logs/gateway.log" "$WORK/logs/gateway-start.log"

args=(suite --env "$ENV_FILE" --duration "$DURATION" --warmup "$WARMUP" --prime "$PRIME" --connections "$CONNECTIONS" --runs "$RUNS" --out "$OUT")
[[ -n $ROWS ]] && args+=(--rows "$ROWS")
say "load: ${CONNECTIONS} connections, ${WARMUP}s warm-up + ${DURATION}s measured, ${RUNS} run(s) per row"
set +e
dotnet "$WORK/bin/loadgen/LoadGen.dll" "${args[@]}"
status=$?
set -e
[[ $WRK == 1 ]] && wrk_crosscheck
say "results: $OUT/latest.md, $OUT/latest.json; logs: $WORK/logs/"
[[ $status == 3 ]] && say "some rows are FLAGGED (errors, see the table); exit status 3"
exit $status
