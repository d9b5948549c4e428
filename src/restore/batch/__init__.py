"""Batch restoration of a directory tree: ``restore clean IN -o OUT``.

The pieces are small on purpose:

- :mod:`restore.batch.paths` finds the ``.txt`` files and refuses overlapping trees;
- :mod:`restore.batch.state` keeps one sidecar per output so a rerun skips finished files;
- :mod:`restore.batch.worker` is the only module with per-process state (one ``Corrector``);
- :mod:`restore.batch.progress` draws the progress bar on a terminal;
- :mod:`restore.batch.records` reads and writes the JSONL document records;
- :mod:`restore.batch.runner` ties them together;
- :mod:`restore.batch.cluster` runs the same batch on Dask (``--scheduler``, imported only then);
- :mod:`restore.batch.storage` addresses trees by URL (object storage) for the cluster.
"""

from __future__ import annotations

from restore.batch.records import RECORD_SCHEMA, read_records, write_records
from restore.batch.runner import BatchOptions, BatchSummary, run_batch

__all__ = ["RECORD_SCHEMA", "BatchOptions", "BatchSummary", "read_records", "run_batch", "write_records"]
