"""Point PyTensor's C backend at the OpenBLAS that ships as a Python wheel.

With a pip install, PyTensor finds no system BLAS: it warns on every process
("could not link to a BLAS installation ... severely degraded performance")
and its C implementations of matrix products fall back to slower code.

numpy's wheel bundles OpenBLAS, but as an ILP64 build (64-bit integers,
symbols ``scipy_dgemm_64_``), which PyTensor's Fortran-BLAS interface (32-bit
``int`` arguments) cannot call. The ``scipy-openblas32`` wheel is the LP64
build of the same OpenBLAS, made by the same project for scipy and numpy; its
symbols carry a prefix (``scipy_dgemm_``). :func:`blas_ldflags` therefore
links that library and renames each BLAS routine PyTensor declares with a
``-D`` macro (``-Ddgemm_=scipy_dgemm_``), which PyTensor passes to the
compiler of every BLAS operation (``blas__ldflags`` flags that are not
``-l``/``-L``/``-I`` become compile arguments).

:func:`configure_blas` is called by :mod:`cbstats.models` before PyMC is
imported. It never overrides a value the user gave (``PYTENSOR_FLAGS`` or
``.pytensorrc``); set ``CBSTATS_PYTENSOR_BLAS=0`` to leave PyTensor's own
detection alone.
"""

from __future__ import annotations

import os
import re
import shlex
import sys

__all__ = ["BLAS_ROUTINES", "blas_ldflags", "configure_blas"]

_KINDS = "sdcz"
_ROUTINES = (
    "axpy copy dot gbmv gemm gemv ger gerc geru hbmv hemm hemv her herk hpmv hpr rot rotg rotm "
    "rotmg sbmv scal spmv spr swap symm symv syr syrk tbmv tbsv tpmv tpsv trmm trmv trsm trsv"
).split()
BLAS_ROUTINES: tuple[str, ...] = (
    *(f"{k}{r}_" for k in _KINDS for r in _ROUTINES), "csscal_", "zdscal_", "xerbla_",
)
"""Fortran BLAS names (a superset of those PyTensor's C code declares; a test checks it)."""


def _prefix_suffix(module) -> tuple[str, str]:
    """Symbol prefix and suffix of the OpenBLAS wheel, from its pkg-config text."""
    cflags = module.get_pkg_config()
    prefix = re.search(r"-DBLAS_SYMBOL_PREFIX=(\w+)", cflags)
    suffix = re.search(r"-DBLAS_SYMBOL_SUFFIX=(\w+)", cflags)
    return (prefix.group(1) if prefix else ""), (suffix.group(1) if suffix else "")


def blas_ldflags() -> str | None:
    """``blas__ldflags`` that link PyTensor to the ``scipy-openblas32`` wheel.

    Returns
    -------
    str or None
        The flags, or None when the wheel is not installed or the platform
        is not Linux or macOS (PyTensor's own detection is then used).
    """
    if not sys.platform.startswith(("linux", "darwin")):
        return None
    try:
        import scipy_openblas32 as openblas
    except ImportError:
        return None
    lib_dir = openblas.get_lib_dir()
    prefix, suffix = _prefix_suffix(openblas)
    flags = [f"-L{lib_dir}", f"-l{openblas.get_library()}", f"-Wl,-rpath,{lib_dir}"]
    if prefix or suffix:
        flags += [f"-D{name}={prefix}{name}{suffix}" for name in BLAS_ROUTINES]
    return " ".join(shlex.quote(f) for f in flags)


def configure_blas() -> str | None:
    """Set PyTensor's ``blas__ldflags`` to :func:`blas_ldflags` unless the user chose them.

    Call before PyTensor compiles anything (``cbstats.models`` does so on
    import). Does nothing when ``CBSTATS_PYTENSOR_BLAS=0``, when the user set
    ``blas__ldflags`` (``PYTENSOR_FLAGS`` or ``.pytensorrc``), or when PyTensor
    already found a BLAS of its own.

    Returns
    -------
    str or None
        The flags set, or None when nothing was changed.
    """
    if os.environ.get("CBSTATS_PYTENSOR_BLAS", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    flags = blas_ldflags()
    if flags is None:
        return None
    import pytensor

    param = pytensor.config._config_var_dict.get("blas__ldflags")
    if param is None or not param.is_default:
        return None  # the user's value (PYTENSOR_FLAGS or .pytensorrc) stands
    if getattr(param, "val", "") != "":
        return None  # PyTensor already found a BLAS (e.g. MKL in a conda environment)
    pytensor.config.blas__ldflags = flags
    return flags
