#!/usr/bin/env bash
# bench/model-throughput-gpu/run-on-device.sh [--parity STEPS] [shape...]   (default shapes: base long)
# `bench/model-throughput --device gpu` on the lent GPU, in one device call: bench/gpu-parity/prepare here, then the
# device tool's run "bash bench/model-throughput-gpu/run-on-device.sh --parity 20" with carry ["gpu"] (~6 min on the H200).
# Measures the fp32, TF32 and bf16 matmul ceilings with the machine's torch (TF32 cannot be switched on through DJL),
# then io.infnet.bench.GpuThroughput: INFNet training samples/s and inference rows/s at batch 4,096 and 16,384 with
# their fractions of those ceilings, ending with "gpu base train samples/s @16384: N" and
# "gpu base inference rows/s @16384: N", then train.precision=bf16 at batch 16,384 (its headline pair
# "gpu base bf16 ...", and the largest |fp32 - bf16| prediction gap on the same weights).
# --parity STEPS first runs DeviceParity base 512 STEPS (bench/gpu-parity).
set -euo pipefail
parity=0
if [ "${1:-}" = "--parity" ]; then parity=$2; shift 2; fi
source "$(dirname "${BASH_SOURCE[0]}")/../gpu-parity/device-env.sh"
# train.precision=bf16 needs bfloat16 in the JNI library's dtype table; DJL 0.36.0's has none (its bare `throw;`
# aborts the JVM). Patch the kit's sources (gpu/native, copied by bench/gpu-parity/prepare) with the two mappings
# (DJL DataType.BFLOAT16 is ordinal 11) and rebuild against this torch (~35 s); on failure fp16 is measured instead.
bf16=false
if [ -d gpu/native ]; then
  rm -rf /tmp/native-bf16 /tmp/b-bf16 && cp -r gpu/native /tmp/native-bf16
  u=/tmp/native-bf16/src/main/native/djl_pytorch_utils.h
  sed -i 's|  } else if (torch::kComplexFloat == type) {|  } else if (torch::kBFloat16 == type) {\n    return 11;\n  } else if (torch::kComplexFloat == type) {|' "$u"
  sed -i 's|      return torch::kComplexFloat;|      return torch::kComplexFloat;\n    case 11:\n      return torch::kBFloat16;|' "$u"
  # and cast on autograd's path: torchTo without its NoGradGuard (-Dinfnet.jni.grad_cast, nn/Autocast)
  sed -i '/PyTorchLibrary_torchTo(/,/NoGradGuard/ s|  torch::NoGradGuard NoGradGuard;|  // cast on the autograd graph (infnet mixed precision)|' /tmp/native-bf16/src/main/native/ai_djl_pytorch_jni_PyTorchLibrary_tensor.cc
  if grep -q kBFloat16 "$u" && cmake -S /tmp/native-bf16 -B /tmp/b-bf16 -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DTorch_DIR="$TD/share/cmake/Torch" -DUSE_CUDA=1 > /tmp/bf16-build.log 2>&1 && ninja -C /tmp/b-bf16 -j16 >> /tmp/bf16-build.log 2>&1; then
    cp "$(find /tmp/b-bf16 -name 'libdjl_torch*.so' | head -1)" "$D/0.36.0-libdjl_torch.so" && bf16=true
    echo "bf16: JNI library rebuilt with bfloat16"
  else
    echo "bf16: JNI rebuild failed, fp16 measured instead"; tail -5 /tmp/bf16-build.log
  fi
fi
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
device_java -Dinfnet.bench.ceilings="$ceilings" -Dinfnet.jni.bfloat16=$bf16 -Dinfnet.jni.grad_cast=$bf16 -cp 'gpu/lib/*' io.infnet.bench.GpuThroughput "$@"
