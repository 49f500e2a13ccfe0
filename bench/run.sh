#!/usr/bin/env bash
# Regenerates BENCHMARKS.md from measurements taken now, on this machine:
#   - tq bench --compare on ZMQ, Redis and RabbitMQ, many jobs in flight and one at a time, so every
#     Tasq figure stands beside its transport's raw echo measured in the same run;
#   - heap: a client holding 100,000 jobs with no worker up, and an idle worker (tq bench --memory,
#     each in its own JVM);
#   - the JMH suite of tasq-core (short settings);
#   - with BASELINE_TQ=/path/to/older/tq/bin/tq, the same Tasq loads on that build too (before/after);
#   - with BASELINE_SRC=/path/to/an/older/checkout, the same JMH benchmarks on its sources too.
# Needs Redis on 127.0.0.1:6379 and RabbitMQ on 127.0.0.1:5672 (guest/guest); a backend that is not
# reachable is reported as skipped.
#
#   bench/run.sh                      # build, measure, write BENCHMARKS.md (~12 min; ~16 with a baseline)
#   DURATION=20s WARMUP=5s bench/run.sh
#   SKIP_BUILD=1 SKIP_JMH=1 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
MANY=${MANY:-100}
OUT=${OUT:-target/bench}
TQ=${TQ:-tasq-worker/target/tq/bin/tq}
rm -rf "$OUT"
mkdir -p "$OUT"

if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q -DskipTests package -pl tasq-worker -am
fi

{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '+dirty')"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "cores=$(nproc)"
  echo "memory=$(free -g | awk '/Mem:/{print $2 " GiB"}')"
  echo "os=$(uname -sr)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "duration=$DURATION"
  echo "warmup=$WARMUP"
  echo "baseline=${BASELINE_TQ:+$(basename "$(dirname "$(dirname "$BASELINE_TQ")")")}"
} > "$OUT/machine.properties"

run=$$
declare -A URLS=(
  [zmq]="zmq://127.0.0.1:19500"
  [redis]="redis://127.0.0.1:6379/0?name=tasq-bench-$run"
  [rabbitmq]="amqp://guest:guest@127.0.0.1:5672/%2f?name=tasq-bench-$run"
)
for backend in zmq redis rabbitmq; do
  url=${URLS[$backend]}
  for load in many one; do
    inflight=$MANY
    [ "$load" = one ] && inflight=1
    echo "== $backend, $inflight in flight" >&2
    if ! "$TQ" bench --backend "$url" --in-flight "$inflight" --duration "$DURATION" --warmup "$WARMUP" \
        --compare --json > "$OUT/$backend-$load.json" 2> "$OUT/$backend-$load.log"; then
      echo "   failed or skipped: see $OUT/$backend-$load.log" >&2
      rm -f "$OUT/$backend-$load.json"
      continue
    fi
    if [ -n "${BASELINE_TQ:-}" ]; then
      "$BASELINE_TQ" bench --backend "$url" --in-flight "$inflight" --duration "$DURATION" --warmup "$WARMUP" \
          --json > "$OUT/$backend-$load-baseline.json" 2> "$OUT/$backend-$load-baseline.log" \
        || rm -f "$OUT/$backend-$load-baseline.json"
    fi
  done
done

echo "== memory: a client holding 100,000 jobs, an idle worker" >&2
"$TQ" bench --memory client --backend zmq://127.0.0.1:19520 --jobs 100000 --json > "$OUT/memory-client.json" \
    2> "$OUT/memory-client.log" || { echo "   failed: see $OUT/memory-client.log" >&2; rm -f "$OUT/memory-client.json"; }
"$TQ" bench --memory worker --backend zmq://127.0.0.1:19522 --duration 10s --json > "$OUT/memory-worker.json" \
    2> "$OUT/memory-worker.log" || { echo "   failed: see $OUT/memory-worker.log" >&2; rm -f "$OUT/memory-worker.json"; }

JMH_SELECT='io.tasq.core.bench|ShippingBenchmark'
JMH_ARGS="-f 1 -wi 2 -w 1s -i 3 -r 2s -rf json"
if [ -z "${SKIP_JMH:-}" ]; then
  echo "== JMH" >&2
  ./mvnw -B -q -pl tasq-core -am -Pjmh verify -DskipTests \
      -Djmh.args="$JMH_ARGS -rff $PWD/$OUT/jmh.json $JMH_SELECT" > "$OUT/jmh.log" 2>&1 \
    || echo "   JMH failed: see $OUT/jmh.log" >&2
  if [ -n "${BASELINE_SRC:-}" ]; then
    echo "== JMH on the baseline sources ($BASELINE_SRC)" >&2
    (cd "$BASELINE_SRC" && ./mvnw -B -q -pl tasq-core -am -Pjmh verify -DskipTests \
        -Djmh.args="$JMH_ARGS -rff $OLDPWD/$OUT/jmh-baseline.json $JMH_SELECT") > "$OUT/jmh-baseline.log" 2>&1 \
      || echo "   baseline JMH failed: see $OUT/jmh-baseline.log" >&2
  fi
fi

python3 bench/report.py "$OUT" > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
