"""Small C kernels for the CPU, built at first use with the system C compiler and loaded through ctypes (shared by
all domains).

A few kernels gain most of their CPU speed from fusing a whole computation into one pass over memory, which a
sequence of torch operations cannot do (each operation reads and writes its whole operand). Such a kernel ships
its C source next to its Python module; :func:`load` compiles it once into a per-user cache
(``$ASSAY_NATIVE_CACHE``, else ``$XDG_CACHE_HOME/assay/native``, else ``~/.cache/assay/native``), keyed by the
source, the compiler, the flags and the CPU, and returns the library. The flags are ``-O3 -march=native
-ffp-contract=off``: vector instructions of the machine, but no contraction into fused multiply-adds, so every
operation rounds as the source writes it and the results do not depend on the CPU.

Nothing here is required: without a compiler, with ``ASSAY_NATIVE=0`` in the environment, inside :func:`disabled`,
or when a build fails (the reason is kept in :func:`status`), :func:`load` returns None and the kernels use their
torch route, which computes the same values.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import platform
import shlex
import shutil
import subprocess
import sysconfig
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["FLAGS", "disabled", "enabled", "load", "status"]

#: Compiler flags (see the module docstring).
FLAGS = ("-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno", "-fPIC", "-shared", "-pthread")

_LOCK = threading.Lock()
_LIBRARIES: dict[str, ctypes.CDLL | None] = {}
_STATUS: dict[str, str] = {}
_DISABLED = threading.local()


def enabled() -> bool:
    """Whether native kernels may be used here and now (not turned off by ``ASSAY_NATIVE=0`` or :func:`disabled`)."""
    return os.environ.get("ASSAY_NATIVE", "1") != "0" and not getattr(_DISABLED, "depth", 0)


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Use the torch routes on this thread inside the ``with`` block (e.g. to compare the two routes)."""
    _DISABLED.depth = getattr(_DISABLED, "depth", 0) + 1
    try:
        yield
    finally:
        _DISABLED.depth -= 1


def status() -> dict[str, str]:
    """For each source loaded so far, ``"ready: <path>"`` or why it is not in use."""
    with _LOCK:
        return dict(_STATUS)


def _compiler() -> list[str] | None:
    for candidate in (os.environ.get("CC"), sysconfig.get_config_var("CC"), "cc", "gcc", "clang"):
        if candidate:
            words = shlex.split(candidate)
            if words and shutil.which(words[0]):
                return words
    return None


def _cpu_signature() -> str:
    """What ``-march=native`` depends on: the CPU's model and feature flags (Linux), else the platform's name."""
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return platform.machine() + platform.processor()
    lines = [line for line in text.splitlines() if line.startswith(("model name", "flags", "Features"))]
    return "\n".join(sorted(set(lines)))


def _cache_dir() -> Path:
    explicit = os.environ.get("ASSAY_NATIVE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "assay" / "native"


def _version(compiler: list[str]) -> str:
    try:
        result = subprocess.run([*compiler, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout


def _build(source: Path, compiler: list[str], depends: tuple[Path, ...]) -> Path:
    """The shared library of ``source``, compiled unless the cache holds it (written atomically, so that
    concurrent processes — pytest-xdist workers — never see a partial file)."""
    texts = [source.read_bytes(), *(path.read_bytes() for path in depends)]
    key = hashlib.sha256(b"\0".join([*texts, " ".join(compiler).encode(), _version(compiler).encode(),
                                     " ".join(FLAGS).encode(), _cpu_signature().encode()])).hexdigest()[:20]
    suffix = ".dll" if os.name == "nt" else ".so"
    directory = _cache_dir()
    target = directory / f"{source.stem}-{key}{suffix}"
    if target.exists():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=target.stem, suffix=suffix, dir=directory)
    os.close(handle)
    try:
        result = subprocess.run([*compiler, *FLAGS, "-o", partial, str(source), "-lm"], capture_output=True,
                                text=True, timeout=300, check=False)
        if result.returncode != 0:
            raise OSError(f"{' '.join(compiler)} failed: {result.stderr.strip()[-2000:]}")
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
    return target


def load(source: str | os.PathLike, depends: tuple[str | os.PathLike, ...] = ()) -> ctypes.CDLL | None:
    """The compiled library of the C file ``source`` (built once per process and cached on disk), or None when
    native kernels are off here or the build failed (see :func:`status`). ``depends``: the files it includes,
    whose contents are part of the cache key."""
    if not enabled():
        return None
    key = str(source)
    with _LOCK:
        if key in _LIBRARIES:
            return _LIBRARIES[key]
        library = None
        compiler = _compiler()
        if compiler is None:
            _STATUS[key] = "no C compiler found (CC, cc, gcc or clang)"
        else:
            try:
                path = _build(Path(source), compiler, tuple(Path(d) for d in depends))
                library = ctypes.CDLL(str(path))
                _STATUS[key] = f"ready: {path}"
            except (OSError, subprocess.SubprocessError) as error:
                _STATUS[key] = f"build failed: {error}"
        _LIBRARIES[key] = library
        return library
