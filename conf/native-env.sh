# Sourced by bin/infnet, bin/standalone-cluster and bench/*: the native-library environment libtorch needs to be
# fast here (measured in docs/BENCHMARKS.md, "Native memory"). Values already in the environment win.
#
# OpenMP: idle libtorch threads busy-spin by default and starve Spark's threads on the same cores (~10x slower).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
#
# Memory: glibc malloc by default serves large tensors with fresh mmaps and unmaps them on free, so every large
# activation page-faults in again on every step (~5x slower training steps here). The tunables below keep freed
# memory in the heap for reuse instead (no mmap, no trim) and use one arena: a thread's own arena is at most 64 MB,
# so larger tensors fell back to fresh mappings (the `long` shape, ~150 MB activations, trained 7x slower without
# it). Resident memory stays flat over a whole training run. INFNET_ALLOCATOR=jemalloc preloads jemalloc (Debian
# libjemalloc2) with page purging off instead: about as fast, but its retained memory grows without bound when
# tensor shapes vary from step to step: the quick start's driver grew ~30 MB per training step, to 23 GB
# (docs/BENCHMARKS.md, "Native memory"). The Maven test JVMs get the same tunables from the parent pom's
# native.malloc.tunables (a test checks that the two agree).
INFNET_MALLOC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295:glibc.malloc.top_pad=268435456:glibc.malloc.arena_max=1
infnet_jemalloc=""
if [ "${INFNET_ALLOCATOR:-glibc}" = jemalloc ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2; do
    if [ -f "$lib" ]; then infnet_jemalloc=$lib; break; fi
  done
  [ -n "$infnet_jemalloc" ] || echo "INFNET_ALLOCATOR=jemalloc: libjemalloc.so.2 not installed (apt-get install libjemalloc2); using glibc malloc" >&2
fi
if [ -n "$infnet_jemalloc" ]; then
  case ":${LD_PRELOAD:-}:" in *":$infnet_jemalloc:"*) ;; *) export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$infnet_jemalloc" ;; esac
  export MALLOC_CONF=${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}
else
  export GLIBC_TUNABLES=${GLIBC_TUNABLES:-$INFNET_MALLOC_TUNABLES}
fi
