"""Junk inputs for every public function, and the rule a function's answer to junk must follow.

Not a test module: :mod:`tests.reliability.test_public_junk` parametrizes over :func:`entry_points` and feeds each
function values drawn by :func:`junk_values`. A function meets the rule (:func:`judge`) when it either returns a
value with no NaN in it, or raises ``ValueError``/``TypeError`` with a non-empty message; anything else — an
``IndexError``, ``AttributeError``, ``ZeroDivisionError``, ``RuntimeError``, ``KeyError``, a ``MemoryError``, a
silent NaN, a call that runs past :data:`CALL_SECONDS` — is a defect.

Guards (``resource.setrlimit`` cannot be used in-process): arrays and tensors are tiny; integers are drawn from a
fixed menu that includes huge and negative values, capped per function where the function declares a limit
(:data:`INT_CAPS`); and every call runs under a ``SIGALRM`` timer that interrupts it after :data:`CALL_SECONDS`.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

DOMAINS = ("so3", "optics", "frames", "bridges", "spectral")
#: Seconds one call may take before the guard interrupts it (and the call counts as a defect).
CALL_SECONDS = 3.0

#: Functions whose integer parameters are capped (qualified name → largest int drawn), for a function that has no
#: declared limit yet and would run for minutes on a huge int instead of refusing it. Empty today: every function
#: refuses 2⁶² and 10³⁰ at once against its declared limit (``MAX_DEGREE``, ``MAX_LENGTH``, ``MAX_LAYERS``, …) or
#: is an xfail row of ``test_public_junk.KNOWN_DEFECTS`` that the time guard stops.
INT_CAPS: dict[str, int] = {}

#: Functions the junk test leaves out, with the reason (they are checked elsewhere).
EXCLUDED: dict[str, str] = {
    "assay.core.profiles.register_profiles": "takes no argument; registers Hypothesis profiles",
}


@dataclass(frozen=True)
class EntryPoint:
    """A public function: its module, name and the parameters the junk is fed to."""

    module: str
    name: str
    function: Callable[..., Any]
    parameters: tuple[inspect.Parameter, ...]

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


def _modules() -> list[str]:
    names = [f"assay.{role}.{domain}" for domain in DOMAINS for role in ("reference", "kernels")]
    core = importlib.import_module("assay.core")
    names += [f"assay.core.{module.name}" for module in pkgutil.iter_modules(core.__path__)]
    return names


def _named(function: Callable[..., Any]) -> tuple[inspect.Parameter, ...]:
    """The parameters junk is fed to: all but ``*args`` and ``**kwargs``."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return ()
    skipped = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return tuple(p for p in signature.parameters.values() if p.kind not in skipped)


def entry_points() -> list[EntryPoint]:
    """Every function (not class, not constant) in the ``__all__`` of ``assay.reference.<domain>``,
    ``assay.kernels.<domain>`` and each ``assay.core`` module, in a stable order."""
    found = []
    for module_name in _modules():
        module = importlib.import_module(module_name)
        for name in sorted(getattr(module, "__all__", ())):
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.ismodule(obj) or not callable(obj):
                continue
            entry = EntryPoint(module_name, name, obj, _named(obj))
            if entry.qualified not in EXCLUDED:
                found.append(entry)
    return found


# -- junk ------------------------------------------------------------------------------------------------------

_NAN = float("nan")
_INTS = (-(2**31), -7, -1, 0, 1, 2, 3, 2**62, 10**30)
_FLOATS = (_NAN, math.inf, -math.inf, -1.5, 0.0, 0.5, 1e308, 5e-324)


_PLAIN: tuple[Callable[[], Any], ...] = (
    lambda: None,
    lambda: True,
    lambda: "",
    lambda: "abc",
    lambda: "nan",
    lambda: 1j,
    lambda: object(),
    lambda: {},
    lambda: [],
    lambda: [None],
    lambda: [_NAN],
    lambda: [[1.0, 2.0], [3.0]],
    lambda: (0,),
    lambda: (-1, 2),
    lambda: (lambda *args: None),
)


def _arrays() -> list[Any]:
    return [
        np.array([]),
        np.zeros((0, 3)),
        np.full((2, 2), _NAN),
        np.array([1.0, _NAN, 2.0]),
        np.ones((2, 3, 4)),
        np.array(["a", "b"]),
        np.array([[1.0, 2.0], [3.0, 4.0]]),
        np.arange(3),
    ]


def _tensors() -> list[Any]:
    return [
        torch.empty(0, dtype=torch.float64),
        torch.full((3,), _NAN, dtype=torch.float64),
        torch.zeros(2, 3, dtype=torch.float64),
        torch.ones(4, 4, 4, dtype=torch.float32),
        torch.tensor([1, 2], dtype=torch.int64),
        torch.full((2, 3), math.inf, dtype=torch.float64),
        torch.eye(3, dtype=torch.float64),
    ]


def junk_values(cap: int | None = None) -> st.SearchStrategy[Any]:
    """One junk value: None, a bool, strings, special floats, huge/negative ints (``<= cap`` when given), empty,
    wrong-shape and NaN arrays and tensors, ragged lists, dicts, objects, complex numbers, callables."""
    ints = [i for i in _INTS if cap is None or i <= cap]
    return st.one_of(
        st.sampled_from(range(len(_PLAIN))).map(lambda i: _PLAIN[i]()),  # fresh objects: a callee may mutate them
        st.sampled_from(ints),
        st.sampled_from(_FLOATS),
        st.sampled_from(range(len(_arrays()))).map(lambda i: _arrays()[i]),
        st.sampled_from(range(len(_tensors()))).map(lambda i: _tensors()[i]),
    )


@dataclass
class Call:
    """Arguments for one call: positional ``args`` and keyword ``kwargs``."""

    args: list[Any]
    kwargs: dict[str, Any]

    def values(self) -> list[Any]:
        return [*self.args, *self.kwargs.values()]


@st.composite
def junk_arguments(draw: st.DrawFn, entry: EntryPoint) -> Call:
    """Junk for every required parameter (positional ones by position, keyword-only ones by name); each optional
    parameter keeps its default or gets junk by name (drawn)."""
    cap = INT_CAPS.get(entry.qualified)
    call = Call([], {})
    for parameter in entry.parameters:
        required = parameter.default is inspect.Parameter.empty
        if required and parameter.kind != inspect.Parameter.KEYWORD_ONLY:
            call.args.append(draw(junk_values(cap)))
        elif required or draw(st.booleans()):
            if parameter.kind == inspect.Parameter.POSITIONAL_ONLY:
                break  # a positional-only default cannot be skipped by name
            call.kwargs[parameter.name] = draw(junk_values(cap))
    return call


# -- the rule ---------------------------------------------------------------------------------------------------

class CallTimeout(BaseException):
    """Raised into a call that ran past :data:`CALL_SECONDS` (a BaseException, so ``except Exception`` in the
    function under test cannot swallow it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def interrupt(signum: int, frame: Any) -> None:
        raise CallTimeout(f"ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def contains_nan(value: Any, depth: int = 4, passed: frozenset[int] = frozenset()) -> bool:
    """Whether ``value`` (a number, array, tensor, mpmath number or a container of them) holds a NaN that was not
    passed in: objects whose ``id`` is in ``passed`` (the caller's own arguments, kept as they are — a label, a
    stored sample) are not results."""
    if depth < 0 or id(value) in passed:
        return False
    if isinstance(value, torch.Tensor):
        return bool(value.is_floating_point() or value.is_complex()) and bool(torch.isnan(value).any())
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            return bool(np.isnan(value).any())
        if value.dtype.kind == "O":
            return any(contains_nan(v, depth - 1, passed) for v in value.ravel()[:10_000])
        return False
    if isinstance(value, (float, complex, np.floating, np.complexfloating)):
        return bool(np.isnan(value))
    if type(value).__module__.startswith("mpmath"):
        import mpmath

        try:
            return bool(mpmath.isnan(value))
        except (TypeError, ValueError):
            return False
    if isinstance(value, (list, tuple)):
        return any(contains_nan(v, depth - 1, passed) for v in value[:10_000])
    if isinstance(value, dict):
        return any(contains_nan(v, depth - 1, passed) for v in list(value.values())[:10_000])
    if hasattr(value, "__dataclass_fields__"):
        return any(contains_nan(getattr(value, f), depth - 1, passed) for f in value.__dataclass_fields__)
    return False


def judge(entry: EntryPoint, call: Call, seconds: float = CALL_SECONDS) -> str | None:
    """Call ``entry`` with ``call``'s arguments under the time guard; ``None`` when the outcome follows the rule,
    else what went wrong (one line)."""
    try:
        with time_limit(seconds):
            result = entry.function(*call.args, **call.kwargs)
    except (ValueError, TypeError) as error:
        if not str(error).strip():
            return f"{type(error).__name__} with an empty message"
        return None
    except CallTimeout as error:
        return str(error)
    except RecursionError:
        return "RecursionError"
    except Exception as error:  # the point: any other exception is a defect
        return f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"
    if contains_nan(result, passed=frozenset(map(id, call.values()))):
        return f"returned a NaN silently ({type(result).__name__})"
    return None


def _show(value: Any) -> str:
    if isinstance(value, (np.ndarray, torch.Tensor)):
        kind = "tensor" if isinstance(value, torch.Tensor) else "array"
        shown = np.asarray(value.detach() if kind == "tensor" else value).ravel()[:4].tolist()
        return f"{kind}(dtype={value.dtype}, shape={tuple(value.shape)}, values={shown})"
    if callable(value) and not isinstance(value, type):
        return "lambda *args: None"
    return repr(value)[:60]


def describe(call: Call) -> str:
    """A short, readable rendering of the arguments (arrays by dtype, shape and first values)."""
    parts = [_show(v) for v in call.args] + [f"{k}={_show(v)}" for k, v in call.kwargs.items()]
    return "(" + ", ".join(parts) + ")"

