"""``mx.runtime``: which of MXNet 1.9.1's build features mxjax provides.

MXNet reports the features its library was compiled with; mxjax reports what it really
offers on this machine, under MXNet's 32 feature names and in MXNet's order:

* ``CUDA``, ``CUDNN``, ``NCCL``: JAX has a CUDA GPU backend (XLA's GPU backend uses cuDNN and NCCL).
* ``CPU_SSE`` ... ``CPU_AVX2``, ``F16C``, ``SSE``: the host CPU has the instruction set (XLA's CPU
  backend compiles for the host), read from ``/proc/cpuinfo`` where it exists.
* ``LAPACK``: always (jaxlib's linear algebra runs LAPACK kernels).
* everything else (``CUDA_RTC``, ``TENSORRT``, ``OPENMP``, ``JEMALLOC``, BLAS flavours, ``MKLDNN``,
  ``OPENCV``, ``CAFFE``, ``PROFILER``, ``DIST_KVSTORE``, ``CXX14``, ``INT64_TENSOR_SIZE``,
  ``SIGNAL_HANDLER``, ``DEBUG``, ``TVM_OP``): off, as in MXNet's default pip build for the ones
  that change behaviour (``INT64_TENSOR_SIZE``) and because mxjax has no such component otherwise.
"""
import collections

__all__ = ["Feature", "feature_list", "Features"]

_FEATURE_NAMES = (
    "CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3", "CPU_SSE4_1",
    "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE", "F16C", "JEMALLOC", "BLAS_OPEN",
    "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK", "MKLDNN", "OPENCV", "CAFFE", "PROFILER",
    "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE", "SIGNAL_HANDLER", "DEBUG", "TVM_OP")

# feature name -> the /proc/cpuinfo flag that provides it
_CPU_FLAGS = {"CPU_SSE": "sse", "CPU_SSE2": "sse2", "CPU_SSE3": "pni", "CPU_SSE4_1": "sse4_1",
              "CPU_SSE4_2": "sse4_2", "CPU_SSE4A": "sse4a", "CPU_AVX": "avx", "CPU_AVX2": "avx2",
              "SSE": "sse", "F16C": "f16c"}


class Feature:
    """One feature: ``name`` and ``enabled``; prints as MXNet's ``✔ NAME`` / ``✖ NAME``."""

    def __init__(self, name, enabled):
        self._name = name
        self._enabled = bool(enabled)

    @property
    def name(self):
        return self._name

    @property
    def enabled(self):
        return self._enabled

    def __repr__(self):
        return f"{'✔' if self.enabled else '✖'} {self.name}"


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _has_cuda():
    import jax
    try:
        return bool(jax.devices("gpu")) and jax.devices("gpu")[0].platform == "gpu"
    except RuntimeError:
        return False


def feature_list():
    """The list of :class:`Feature` objects, in MXNet's order."""
    flags = _cpu_flags()
    cuda = _has_cuda()
    enabled = {"CUDA": cuda, "CUDNN": cuda, "NCCL": cuda, "LAPACK": True}
    enabled.update({name: flag in flags for name, flag in _CPU_FLAGS.items()})
    return [Feature(name, enabled.get(name, False)) for name in _FEATURE_NAMES]


class Features(collections.OrderedDict):
    """Ordered dict of feature name to :class:`Feature`; one instance per process."""
    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            super(Features, cls.instance).__init__([(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self):
        """The features are filled once, by ``__new__``."""

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        """Whether the feature (case-insensitive name) is enabled; RuntimeError for an unknown name."""
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise RuntimeError(f"Feature '{feature_name}' is unknown, known features are: {list(self.keys())}")
        return self[feature_name].enabled
