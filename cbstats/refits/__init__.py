"""Many refits on one interface: serial, a Dask ``LocalCluster`` or any Dask scheduler.

Every feature that refits a model many times -- k-fold cross-validation,
simulation-based calibration (:func:`cbstats.sbc`), the robustness refits of
``cbstats reproduce`` -- describes one task per fit and hands the tasks to an
:class:`Executor` from :func:`get_executor`. See ``docs/parallel.md``.

Modules: ``seeds`` (task seeds), ``executor`` (backends), ``config``
(choosing a backend), ``checkpoints`` (per-task files), ``progress`` (live
display), ``worker`` (compile cache and worker setup), ``outcomes``
(results), ``fits`` (fit tasks), ``sbc`` and ``ranks`` (calibration).
"""

from .checkpoints import check_writable
from .config import get_executor, parse_workers
from .executor import DaskExecutor, Executor, SerialExecutor
from .outcomes import Outcome, RefitError, RefitRun
from .seeds import task_seed
from .worker import compile_count, compiled, worker_cores

__all__ = [
    "DaskExecutor",
    "Executor",
    "Outcome",
    "RefitError",
    "RefitRun",
    "SerialExecutor",
    "check_writable",
    "compile_count",
    "compiled",
    "get_executor",
    "parse_workers",
    "task_seed",
    "worker_cores",
]
