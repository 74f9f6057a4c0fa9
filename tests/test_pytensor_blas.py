"""PyTensor is linked to the OpenBLAS wheel: no BLAS warning, C BLAS ops that compute right."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("scipy_openblas32")
pytestmark = pytest.mark.skipif(not sys.platform.startswith(("linux", "darwin")),
                                reason="the OpenBLAS wheel is linked on Linux and macOS only")

WARNING = "could not link to a BLAS"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTENSOR_FLAGS", "CBSTATS_PYTENSOR_BLAS")}
    environment.update(env)
    return subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True,
                          env=environment, timeout=600)


CHECK = """
import json, re
import numpy as np
import cbstats.models  # sets blas__ldflags before PyMC is imported
import pytensor, pytensor.tensor as pt
from pytensor.tensor.blas_headers import blas_header_text
from cbstats._pytensor_setup import BLAS_ROUTINES
A, x = pt.matrix("A"), pt.vector("x")
f = pytensor.function([A, x], A @ x)
rng = np.random.default_rng(1)
a, v = rng.normal(size=(30, 20)), rng.normal(size=20)
declared = set(re.findall(r"\\b([a-z]+_)\\s*\\(", blas_header_text()))
print(json.dumps({
    "ldflags": pytensor.config.blas__ldflags,
    "ops": [type(n.op).__name__ for n in f.maker.fgraph.apply_nodes],
    "max_error": float(np.max(np.abs(f(a, v) - a @ v))),
    "undeclared": sorted(declared - set(BLAS_ROUTINES)),
}))
"""


@pytest.mark.slow
def test_fresh_process_links_openblas_without_warning():
    out = run_python(CHECK)
    assert out.returncode == 0, out.stderr
    assert WARNING not in out.stderr
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert "scipy_openblas" in info["ldflags"]
    assert "CGemv" in info["ops"]  # the C implementation calling dgemv_ from OpenBLAS
    assert info["max_error"] < 1e-12
    assert info["undeclared"] == []  # every BLAS routine PyTensor declares is renamed


def test_user_flags_are_not_overridden():
    code = ("from cbstats._pytensor_setup import configure_blas; import pytensor; "
            "print(configure_blas()); print(pytensor.config.blas__ldflags)")
    out = run_python(code, PYTENSOR_FLAGS="blas__ldflags=-lmy_own_blas")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["None", "-lmy_own_blas"]


def test_opt_out_leaves_pytensor_detection_alone():
    code = "from cbstats._pytensor_setup import configure_blas; print(configure_blas())"
    out = run_python(code, CBSTATS_PYTENSOR_BLAS="0")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "None"
