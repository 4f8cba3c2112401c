#!/usr/bin/env bash
# On the lent GPU machine (device tool, carry ["gpu"] built by bench/gpu-compare/prepare): runs
# io.infnet.model.compare.CompareMain for each variants file, in parallel (one JVM each), over gpu/data; every JVM is
# killed after $LIMIT seconds (default 550: a command has 10 minutes). Results of each file under /tmp/res/<stem>/,
# all packed into $OUT/results.tgz (the device returns at most 8 files). Several GPU JVMs share one GPU poorly
# (8 at once ran ~4x slower each than one alone): give the GPU two or three, the CPUs the rest (train.threads=2).
#   bash bench/gpu-compare/run-on-device.sh SEEDS VARIANTS_FILE...
set -uo pipefail
seeds=$1; shift
TD=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
TV=$(python3 -c 'import torch;print(torch.__version__.split("+")[0])')
tar -xJf gpu/jre.tar.xz -C /tmp
for f in gpu/data/*.bin.xz; do # splits shipped by XZ=1 prepare
  [ -f "$f" ] && python3 -c "import lzma,gzip,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), gzip.open(sys.argv[2],'wb',compresslevel=1))" "$f" "${f%.xz}.gz"
done
export PYTORCH_LIBRARY_PATH=$TD/lib PYTORCH_VERSION=$TV PYTORCH_FLAVOR=cu130 DJL_CACHE_DIR=/tmp/djlcache DJL_OFFLINE=true
D=$DJL_CACHE_DIR/pytorch/$TV-cu130-linux-x86_64; mkdir -p $D
cp gpu/prebuilt/libdjl_torch_cu130_torch2.11.0_djl0.36.0.so $D/0.36.0-libdjl_torch.so
CUDART=$(dirname "$(find $TD/../nvidia -name 'libcudart.so*' | head -1)")
export OMP_WAIT_POLICY=PASSIVE MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
JEMALLOC=$( [ -f gpu/libjemalloc.so.2 ] && echo "$PWD/gpu/libjemalloc.so.2" || true )
echo "torch $TV; cores $(nproc)"
pids=()
for f in "$@"; do
  stem=$(basename "$f" .txt); mkdir -p "/tmp/res/$stem"
  env ${JEMALLOC:+LD_PRELOAD=$JEMALLOC} timeout ${LIMIT:-550} /tmp/jre0/bin/java -Xmx12g -Djna.library.path=$CUDART -Dai.djl.pytorch.num_interop_threads=1 \
    -cp 'gpu/lib/*' io.infnet.model.compare.CompareMain gpu/data "$f" "$seeds" "/tmp/res/$stem" "$stem" > "/tmp/res/$stem/log.txt" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait $p; done
for f in "$@"; do stem=$(basename "$f" .txt); echo "== $stem"; grep -E 'best epoch' "/tmp/res/$stem/log.txt"; grep -iE 'exception|error' "/tmp/res/$stem/log.txt" | head -3; done
tar -czf "$OUT/results.tgz" -C /tmp/res .
