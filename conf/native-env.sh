# Sourced by bin/infnet, bin/standalone-cluster and bench/*: the native-library environment libtorch needs to be
# fast here (measured in docs/BENCHMARKS.md, "Native memory"). Values already in the environment win.
#
# OpenMP: idle libtorch threads busy-spin by default and starve Spark's threads on the same cores (~10x slower).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
#
# Memory: glibc malloc serves every tensor above 32 MB with a fresh mmap and unmaps it on free, so each large
# activation page-faults in again on every step (measured 35x slower elementwise ops, ~5x slower training steps).
# These tunables keep freed memory in the heap for reuse instead. The Maven test JVMs get the same value from the
# parent pom's native.malloc.tunables (a test checks that the two agree).
INFNET_MALLOC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295:glibc.malloc.top_pad=268435456
#
# INFNET_PRELOAD_ALLOCATOR=1 uses jemalloc instead (Debian libjemalloc2), with page purging off: with jemalloc's
# default 10 s decay it was 3.4x slower than glibc here.
infnet_allocator=""
if [ -n "${INFNET_PRELOAD_ALLOCATOR:-}" ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2; do
    if [ -f "$lib" ]; then infnet_allocator=$lib; break; fi
  done
  [ -n "$infnet_allocator" ] || { echo "INFNET_PRELOAD_ALLOCATOR set but libjemalloc.so.2 not found (apt-get install libjemalloc2)" >&2; exit 2; }
  export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$infnet_allocator"
  export MALLOC_CONF=${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}
else
  export GLIBC_TUNABLES=${GLIBC_TUNABLES:-$INFNET_MALLOC_TUNABLES}
fi
