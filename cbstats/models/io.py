"""Save and load :class:`BayesResult` objects as netCDF (atomic writes)."""

from __future__ import annotations

import json
import os
import tempfile

import arviz as az
import numpy as np
import pandas as pd
import xarray as xr

from .._warn import warn_user
from .design import build_design
from .formula import parse_formula
from .priors import resolve_priors
from .provenance import data_hash
from .result import BayesResult

__all__ = ["ResultFileError", "save_result", "load_result"]

_META = "cbstats_metadata"


def _data_to_dataset(df: pd.DataFrame) -> tuple[xr.Dataset, dict]:
    kinds: dict[str, dict] = {}
    vars_ = {}
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            kinds[c] = {
                "kind": "category",
                "categories": [_py(v) for v in s.dtype.categories],
                "ordered": bool(s.dtype.ordered),
                "cat_dtype": str(s.dtype.categories.dtype),
            }
            vals = s.astype(str).to_numpy(dtype=object)
        elif pd.api.types.is_bool_dtype(s):
            kinds[c] = {"kind": "bool"}
            vals = s.to_numpy(dtype="int8")
        elif pd.api.types.is_numeric_dtype(s):
            kinds[c] = {"kind": "numeric", "dtype": str(s.dtype)}
            vals = s.to_numpy()
        else:
            kinds[c] = {"kind": "string"}
            vals = s.astype(str).to_numpy(dtype=object)
        vars_[f"data__{c}"] = ("data_row", vals)
    index = df.index.to_numpy()
    idx_kind = "numeric" if pd.api.types.is_numeric_dtype(df.index) else "string"
    ds = xr.Dataset(
        vars_,
        coords={"data_row": index if idx_kind == "numeric" else index.astype(str).astype(object)},
    )
    return ds, {"columns": list(df.columns), "kinds": kinds, "index_kind": idx_kind}


def _py(v):
    return v.item() if isinstance(v, np.generic) else v


def _dataset_to_data(ds: xr.Dataset, info: dict) -> pd.DataFrame:
    cols = {}
    for c in info["columns"]:
        vals = ds[f"data__{c}"].values
        k = info["kinds"][c]
        if k["kind"] == "category":
            cats = k["categories"]
            lut = {str(v): v for v in cats}
            cols[c] = pd.Categorical(
                [lut[str(v)] for v in vals], categories=cats, ordered=k["ordered"]
            )
        elif k["kind"] == "bool":
            cols[c] = vals.astype(bool)
        elif k["kind"] == "numeric":
            cols[c] = vals.astype(k["dtype"])
        else:
            cols[c] = vals.astype(str)
    index = ds["data_row"].values
    return pd.DataFrame(cols, index=index)


def save_result(result: BayesResult, path: str | os.PathLike) -> None:
    """Write ``result`` to a netCDF file, atomically (temp file + ``os.replace``).

    The file holds the InferenceData groups, the model's data columns (group
    ``constant_data``) and, as the JSON attribute ``cbstats_metadata`` of the
    posterior: formula, family, priors, data hash, package versions, seed,
    sampler and fit options.
    """
    path = os.fspath(path)
    idata = result.idata.copy()
    ds, info = _data_to_dataset(result.design.data)
    if "constant_data" in idata.groups():
        del idata.constant_data
    idata.add_groups({"constant_data": ds})
    meta = {
        "formula": result.formula,
        "family": result.family,
        "priors": result.priors,
        "priors_input": result.priors_input,
        "data_hash": result.data_hash,
        "design_data_hash": data_hash(result.design.data),
        "versions": result.versions,
        "seed": result.seed,
        "sampler": result.sampler,
        "fit_options": result.fit_options,
        "data_info": info,
    }
    idata.posterior.attrs[_META] = json.dumps(meta)
    for k in ("formula", "family", "data_hash", "seed", "sampler"):
        idata.posterior.attrs[f"cbstats_{k}"] = str(meta[k])
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".nc.tmp", dir=directory)
    os.close(fd)
    try:
        idata.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class ResultFileError(ValueError):
    """A file given to :func:`load_result` is not a complete cbstats result file."""


_EXPECTED = "a netCDF file written by BayesResult.save() / cbstats.models.io.save_result()"


def _read_result_file(path: str | os.PathLike) -> tuple[az.InferenceData, dict]:
    """The InferenceData and cbstats metadata stored in ``path``, or a :class:`ResultFileError`."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such file; expected {_EXPECTED}")
    try:
        idata = az.from_netcdf(path, engine="h5netcdf")
        for g in idata.groups():
            getattr(idata, g).load()
    except Exception as err:  # h5py/h5netcdf raise OSError, ValueError, KeyError ... on bad files
        size = os.path.getsize(path)
        raise ResultFileError(
            f"{path} ({size:,} bytes) cannot be read as netCDF/HDF5 ({type(err).__name__}: {err}); "
            f"expected {_EXPECTED}. A file cut short by an interrupted copy also gives this error."
        ) from err
    missing = [g for g in ("posterior", "constant_data") if g not in idata.groups()]
    if missing or _META not in idata.posterior.attrs:
        what = f"groups {', '.join(missing)}" if missing else f"the attribute {_META!r} of the posterior"
        raise ResultFileError(f"{path} is a netCDF file without {what}; expected {_EXPECTED}")
    try:
        meta = json.loads(idata.posterior.attrs[_META])
        keys = ("formula", "family", "priors", "priors_input", "seed", "fit_options", "data_info")
        absent = [k for k in keys if k not in meta]
    except (ValueError, TypeError) as err:
        raise ResultFileError(f"{path}: the attribute {_META!r} is not valid JSON ({err}); "
                              f"expected {_EXPECTED}") from err
    if absent:
        raise ResultFileError(f"{path}: the attribute {_META!r} lacks {', '.join(absent)}; expected {_EXPECTED}")
    return idata, meta


def load_result(path: str | os.PathLike) -> BayesResult:
    """Read a result written by :meth:`BayesResult.save`.

    The design is rebuilt from the stored data columns, so ``summary()``,
    ``diagnostics()``, ``predict()`` and ``loo()`` work on the loaded result.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ResultFileError
        If ``path`` is not netCDF/HDF5 (or is truncated), or is a netCDF file
        without the groups and metadata cbstats writes; the message names the
        file and what was expected.
    """
    idata, meta = _read_result_file(path)
    data = _dataset_to_data(idata.constant_data, meta["data_info"])
    if data_hash(data) != meta["design_data_hash"]:
        warn_user("stored model data do not match their hash", UserWarning)
    spec = parse_formula(meta["formula"])
    opts = meta["fit_options"]
    design = build_design(spec, data, meta["family"], id_col=opts.get("id_col"), missing="raise",
                          warn_stacklevel=None)  # the fit warned already
    design.n_dropped = opts.get("n_dropped", 0)
    resolve_priors(design, meta["priors_input"])  # validates
    return BayesResult(
        idata=idata,
        design=design,
        priors=meta["priors"],
        formula=meta["formula"],
        family=meta["family"],
        seed=int(meta["seed"]),
        sampler=meta["sampler"],
        data_hash=meta["data_hash"],
        versions=meta["versions"],
        fit_options=opts,
        priors_input=meta["priors_input"],
    )
