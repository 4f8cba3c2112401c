# Sourced by bin/infnet, bin/standalone-cluster and bench/*: the native-library environment libtorch needs to be
# fast here (measured in docs/BENCHMARKS.md, "Native memory"). Values already in the environment win.
#
# OpenMP: idle libtorch threads busy-spin by default and starve Spark's threads on the same cores (~10x slower).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
#
# Memory: glibc malloc serves large tensors with fresh mmaps and unmaps them on free, so every large activation
# page-faults in again on every step (on these VMs ~20-35x slower elementwise ops, ~5x slower training steps).
# Default: jemalloc (Debian libjemalloc2, installed by bin/setup) with page purging off, so freed tensor memory is
# reused; jemalloc's default 10 s purge brings the faults back. INFNET_ALLOCATOR=glibc, or no jemalloc installed,
# falls back to these glibc tunables, which only help up to tensors of a few tens of MB. The Maven test JVMs get
# the same tunables from the parent pom's native.malloc.tunables (a test checks that the two agree).
INFNET_MALLOC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295:glibc.malloc.top_pad=268435456
infnet_jemalloc=""
if [ "${INFNET_ALLOCATOR:-jemalloc}" = jemalloc ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2; do
    if [ -f "$lib" ]; then infnet_jemalloc=$lib; break; fi
  done
fi
if [ -n "$infnet_jemalloc" ]; then
  case ":${LD_PRELOAD:-}:" in *":$infnet_jemalloc:"*) ;; *) export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$infnet_jemalloc" ;; esac
  export MALLOC_CONF=${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}
else
  export GLIBC_TUNABLES=${GLIBC_TUNABLES:-$INFNET_MALLOC_TUNABLES}
fi
