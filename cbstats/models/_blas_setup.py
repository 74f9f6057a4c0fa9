"""Link PyTensor to the OpenBLAS wheel; imported first by :mod:`cbstats.models`.

See :mod:`cbstats._pytensor_setup`. ``BLAS_FLAGS`` holds the flags set, or
None when nothing was changed (user's own flags, no wheel, other platform).
"""

from .._pytensor_setup import configure_blas

BLAS_FLAGS = configure_blas()
