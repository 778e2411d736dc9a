"""Single-threaded worker pools for kernels that split their own work on the CPU (shared by all domains).

A kernel that cuts a batch into pieces can hand runs of pieces to a few threads and synchronize once per call, as
a hand-written OpenMP kernel does, instead of letting every small torch operation split itself and synchronize
(on the shared 2-core machine an operation split over two busy cores was measured to wait milliseconds for the
second one). torch releases the interpreter lock inside its operations, so the threads run in parallel.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import torch

__all__ = ["run_split", "single_threaded_pool"]

Item = TypeVar("Item")

_POOLS: dict[int, ThreadPoolExecutor | None] = {}
_POOLS_LOCK = threading.Lock()
if hasattr(os, "register_at_fork"):  # POSIX: a forked child has none of the parent's threads
    os.register_at_fork(after_in_child=_POOLS.clear)


def _started_worker(ready: threading.Barrier) -> int:
    threads = torch.get_num_threads()  # torch reads its thread setting for this thread here, once
    ready.wait()
    return threads


def single_threaded_pool(workers: int) -> ThreadPoolExecutor | None:
    """A pool of ``workers`` threads in which torch runs every operation on the calling thread (one per size).

    torch decides per thread, at that thread's first use, how many threads an operation may split over, from the
    value of ``torch.set_num_threads``; the pool's threads are started while it is 1 (then the previous value is
    restored), so their operations never open parallel regions of their own, whatever their size. Returns None
    when that did not take (e.g. torch's native parallel backend, where the setting is fixed once work started).
    """
    with _POOLS_LOCK:
        if workers in _POOLS:
            return _POOLS[workers]
        previous = torch.get_num_threads()
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="assay-kernel")
        ready = threading.Barrier(workers)
        try:
            torch.set_num_threads(1)
            started = [pool.submit(_started_worker, ready) for _ in range(workers)]
            serial = all(future.result() == 1 for future in started)
        finally:
            torch.set_num_threads(previous)
        if not serial:
            pool.shutdown(wait=False)
        _POOLS[workers] = pool if serial else None
        return _POOLS[workers]


def run_split(task: Callable[[Sequence[Item]], None], items: Sequence[Item], workers: int) -> None:
    """``task(run)`` on ``workers`` contiguous runs of ``items``, one per thread of :func:`single_threaded_pool`
    (or ``task(items)`` on this thread when ``workers`` ≤ 1, there is one item, or the pool is unavailable).
    The first exception a run raises is re-raised here, after every run has finished."""
    workers = min(workers, len(items))
    pool = single_threaded_pool(workers) if workers > 1 else None
    if pool is None:
        task(items)
        return
    runs = [items[i * len(items) // workers : (i + 1) * len(items) // workers] for i in range(workers)]
    futures = [pool.submit(task, run) for run in runs]
    errors = [future.exception() for future in futures]
    for error in errors:
        if error is not None:
            raise error
