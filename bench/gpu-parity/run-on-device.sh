#!/usr/bin/env bash
# bench/gpu-parity/run-on-device.sh [config=base] [rows=512] [steps=50]   (on the lent GPU machine, after bench/gpu-parity/prepare;
# device tool: run "bash bench/gpu-parity/run-on-device.sh base 512 50", carry ["gpu"]). DeviceParity (bench module) with
# the kit's JRE and DJL JNI library (../shared/gpu-kit/README.md); results: docs/BENCHMARKS.md, "CPU ↔ GPU parity".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/device-env.sh"
device_java -cp 'gpu/lib/*' io.infnet.bench.DeviceParity "$@"
