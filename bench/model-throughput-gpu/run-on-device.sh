#!/usr/bin/env bash
# bench/model-throughput-gpu/run-on-device.sh [--parity STEPS] [shape...]   (default shapes: base long)
# `bench/model-throughput --device gpu` on the lent GPU, in one device call: bench/gpu-parity/prepare here, then the
# device tool's run "bash bench/model-throughput-gpu/run-on-device.sh --parity 20" with carry ["gpu"] (~6 min on the H200).
# Measures the fp32, TF32 and bf16 matmul ceilings with the machine's torch (TF32 cannot be switched on through DJL),
# then io.infnet.bench.GpuThroughput: INFNet training samples/s and inference rows/s at batch 4,096 and 16,384 with
# their fractions of those ceilings, ending with "gpu base train samples/s @16384: N" and
# "gpu base inference rows/s @16384: N". --parity STEPS first runs DeviceParity base 512 STEPS (bench/gpu-parity).
set -euo pipefail
parity=0
if [ "${1:-}" = "--parity" ]; then parity=$2; shift 2; fi
source "$(dirname "${BASH_SOURCE[0]}")/../gpu-parity/device-env.sh"
if [ "$parity" -gt 0 ]; then
  device_java -cp 'gpu/lib/*' io.infnet.bench.DeviceParity base 512 "$parity" || echo "gpu-parity: exit $? (throughput follows)"
fi
ceilings=$(python3 - <<'PY'
import time, torch
def ceiling(dtype, tf32, n=8192, products=10):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    a = torch.randn(n, n, device="cuda", dtype=dtype); b = torch.randn_like(a)
    for _ in range(3): a @ b
    torch.cuda.synchronize(); best = 1e9
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(products): a @ b
        torch.cuda.synchronize(); best = min(best, time.perf_counter() - t)
    return 2 * n ** 3 * products / best / 1e9
print(f"fp32:{ceiling(torch.float32, False):.0f},tf32:{ceiling(torch.float32, True):.0f},bf16:{ceiling(torch.bfloat16, False):.0f}")
PY
)
device_java -Dinfnet.bench.ceilings="$ceilings" -cp 'gpu/lib/*' io.infnet.bench.GpuThroughput "$@"
