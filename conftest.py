"""Doctest collection of src/restore: modules of optional extras are skipped when the extra is absent.

The parsed-table cache (restore.tablecache) goes to a folder of this test run, never the user's
~/.cache; the CLI subprocesses the tests start inherit it, so tables are parsed once per run.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile

if "RESTORE_CACHE_DIR" not in os.environ:
    os.environ["RESTORE_CACHE_DIR"] = tempfile.mkdtemp(prefix="restore-test-cache-")
    atexit.register(shutil.rmtree, os.environ["RESTORE_CACHE_DIR"], ignore_errors=True)

# restore[dask]: the cluster runner imports distributed at import time, the storage examples need fsspec.
collect_ignore = [
    path
    for path, module in (("src/restore/batch/cluster.py", "distributed"), ("src/restore/batch/storage.py", "fsspec"))
    if importlib.util.find_spec(module) is None
]
