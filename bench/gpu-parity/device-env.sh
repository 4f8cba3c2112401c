# Sourced by the run-on-device.sh scripts (on the lent GPU machine, after bench/gpu-parity/prepare): the kit's Java
# runtime and DJL JNI library against the machine's own torch (../shared/gpu-kit/README.md); defines device_java.
TD=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
TV=$(python3 -c 'import torch;print(torch.__version__.split("+")[0])')
tar -xJf gpu/jre.tar.xz -C /tmp
export PYTORCH_LIBRARY_PATH=$TD/lib PYTORCH_VERSION=$TV PYTORCH_FLAVOR=cu130 DJL_CACHE_DIR=/tmp/djlcache DJL_OFFLINE=true
D=$DJL_CACHE_DIR/pytorch/$TV-cu130-linux-x86_64; mkdir -p "$D"
cp gpu/prebuilt/libdjl_torch_cu130_torch2.11.0_djl0.36.0.so "$D/0.36.0-libdjl_torch.so"
CUDART=$(dirname "$(find "$TD/../nvidia" -name 'libcudart.so*' | head -1)")
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
echo "torch $TV"
export OMP_NUM_THREADS=16

device_java() { # device_java [-Dkey=value...] MAIN_CLASS ARGS...
  /tmp/jre0/bin/java -Xmx16g -Djna.library.path="$CUDART" -Dai.djl.offline=true "$@"
}
