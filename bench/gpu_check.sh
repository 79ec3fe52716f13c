#!/usr/bin/env bash
# GPU check (issue 12 item 5) in one short run on a lent NVIDIA device.
#
# With a GPU (nvidia-smi lists one): a venv (system packages visible) gets CuPy from the
# registry (cupy-cuda12x) and friendshore with its test extra; then the CuPy-vs-numpy
# equivalence test (tests/test_stress_gpu.py, which must pass, not skip) and
# bench/bench_gpu.py: 1,000,000 draws and the 1,200-scenario sweep on numpy and on CuPy.
# Without one: says so, times the numpy path on a small run (100,000 draws, 20 scenarios) and
# exits 0. The output is also written to $OUT/gpu_check.txt when OUT is set.
# pip honours PIP_INDEX_URL, PIP_FIND_LINKS and PIP_NO_INDEX where no registry can be reached.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
LOG=${OUT:+$OUT/gpu_check.txt}
exec > >(tee ${LOG:+"$LOG"}) 2>&1

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
    nvidia-smi -L
    VENV=${GPU_VENV:-.gpu-venv}
    [ -x "$VENV/bin/python" ] || "$PY" -m venv --system-site-packages "$VENV"
    "$VENV/bin/python" -m pip install -q cupy-cuda12x -e ".[test]"
    "$VENV/bin/python" -c "import cupy; print('CuPy', cupy.__version__, 'on', cupy.cuda.runtime.getDeviceCount(), 'device(s)')"
    "$VENV/bin/python" -m pytest -q -rs -p no:cacheprovider tests/test_stress_gpu.py \
        | tee /tmp/friendshore-gpu-test.txt
    if grep -q skipped /tmp/friendshore-gpu-test.txt; then
        echo "error: the CuPy equivalence test was skipped on a machine with a GPU" >&2
        exit 1
    fi
    "$VENV/bin/python" bench/bench_gpu.py --backends numpy,cupy --draws 1000000 --scenarios 1200
else
    echo "no NVIDIA GPU found (nvidia-smi missing or listing no device): CuPy not installed,"
    echo "the CuPy equivalence test not run; CPU fallback timing on numpy (small run) follows."
    "$PY" bench/bench_gpu.py --backends numpy --draws 100000 --scenarios 20
fi
