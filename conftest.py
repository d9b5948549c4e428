"""Doctest collection of src/restore: modules of optional extras are skipped when the extra is absent."""

from __future__ import annotations

import importlib.util

# restore[dask]: the cluster runner imports distributed at import time, the storage examples need fsspec.
collect_ignore = [
    path
    for path, module in (("src/restore/batch/cluster.py", "distributed"), ("src/restore/batch/storage.py", "fsspec"))
    if importlib.util.find_spec(module) is None
]
