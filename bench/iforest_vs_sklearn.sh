#!/usr/bin/env bash
# Isolation Forest fit+score on ODDS http: Rampart and Debian's python3-sklearn in one run,
# seeds 0-4, single-threaded. Usage: bench/iforest_vs_sklearn.sh BUILD_DIR [DATA_FILE]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: iforest_vs_sklearn.sh BUILD_DIR [DATA_FILE]}"
data="${2:-$here/../../shared/data/anomaly/odds/16_http.npz}"
accuracy="$build/bench/detect_accuracy"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
# One BLAS thread, so scikit-learn runs on one core as Rampart does.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
echo "sklearn: $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)')"
for seed in 0 1 2 3 4; do
  echo "seed $seed rampart $("$accuracy" --time "$data" "$seed")"
  echo "seed $seed sklearn $(/usr/bin/python3 "$here/iforest_sklearn.py" "$data" "$seed")"
done
