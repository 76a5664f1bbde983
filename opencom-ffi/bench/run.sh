#!/usr/bin/env bash
# Host overhead of the FFI: the same call, `conversations().total_unread()` against server-mock,
# timed from Python through opencom-ffi and from Rust directly on opencom-sdk. Both sides use the
# `release-small` build (the shipped configuration); rounds alternate between the sides so that
# drift on a shared machine hits all alike. A third series calls the Rust API the way the FFI
# layer does (spawned on the runtime from an outside thread), to show what the runtime hop costs
# without any host. Prints the medians and the ratio python/rust.
#
#   opencom-ffi/bench/run.sh [iterations-per-round=500] [rounds=6]
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
iterations="${1:-500}"
rounds="${2:-6}"
warmup=100
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
out="$root/target/opencom-ffi/bench"

if ! cargo build -q -p server-mock --bin server-mock; then
  [ -x "$root/target/debug/server-mock" ] || exit 1
  echo "warning: server-mock did not build; using the existing binary" >&2
fi
cargo build -q -p opencom-ffi --profile release-small --lib --example bench_total_unread
[ -f "$root/target/opencom-ffi/bindings/python/opencom_ffi.py" ] || opencom-ffi/generate.sh
rm -rf "$out"
mkdir -p "$out/python"
# The generated module with the shipped (stripped, release-small) library next to it: the
# bindings were generated from the unstripped debug build of the same source.
cp "$root/target/opencom-ffi/bindings/python/opencom_ffi.py" "$out/python/"
cp "$root/target/release-small/libopencom_ffi.so" "$out/python/"

mock_out="$out/mock.out"
"$root/target/debug/server-mock" --port 0 --seed demo >"$mock_out" 2>/dev/null &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  grep -q '^OPENCOM_WORKSPACE_ID=' "$mock_out" 2>/dev/null && break
  kill -0 "$mock_pid" 2>/dev/null || { echo "server-mock exited" >&2; exit 1; }
  sleep 0.05
done
url=$(sed -n 's/^OPENCOM_URL=//p' "$mock_out")
workspace=$(sed -n 's/^OPENCOM_WORKSPACE_ID=//p' "$mock_out")
[ -n "$workspace" ] || { echo "server-mock did not start" >&2; exit 1; }

for round in $(seq 1 "$rounds"); do
  "$root/target/release-small/examples/bench_total_unread" "$url" "$workspace" \
    "$iterations" "$warmup" direct >"$out/rust-$round.json"
  "$root/target/release-small/examples/bench_total_unread" "$url" "$workspace" \
    "$iterations" "$warmup" hop >"$out/hop-$round.json"
  python3 "$root/opencom-ffi/bench/total_unread.py" "$out/python" "$url" "$workspace" \
    "$iterations" "$warmup" >"$out/python-$round.json"
done

python3 - "$out" "$rounds" "$iterations" <<'EOF'
import json, statistics, sys
out, rounds, iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def samples(side):
    return [s for r in range(1, rounds + 1)
            for s in json.load(open(f"{out}/{side}-{r}.json"))["samples_us"]]
rust, hop, python = samples("rust"), samples("hop"), samples("python")
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]
for name, xs in (("rust, direct", rust), ("rust, runtime hop", hop), ("python via opencom-ffi", python)):
    print(f"{name:24} n={len(xs)} median={statistics.median(xs):8.1f} us  p90={pct(xs, 0.9):8.1f} us")
print(f"runtime hop alone: {statistics.median(hop) / statistics.median(rust):.2f}x")
ratio = statistics.median(python) / statistics.median(rust)
per_round = [statistics.median(json.load(open(f"{out}/python-{r}.json"))["samples_us"])
             / statistics.median(json.load(open(f"{out}/rust-{r}.json"))["samples_us"])
             for r in range(1, rounds + 1)]
print(f"median ratio python/rust: {ratio:.2f}x  (per round: {', '.join(f'{x:.2f}' for x in per_round)})")
EOF
