"""Instrumented evaluation: run a composite forward then backward and count what it costs.

:func:`measure_run` interprets any composite built from primitive lenses/optics with ``compose``, ``identity``,
:func:`~assay.reference.optics.functors.embed` (F) and :func:`~assay.reference.optics.functors.erase` (U), in any
bracketing, and counts

- ``gets``/``forwards``: calls of primitive ``get``/``forward``; ``puts``/``backwards``: primitive backward calls;
- ``stored``: values kept between the passes (a lens keeps its input ``A``; an optic keeps its residuals);
- ``peak``: the largest number of live values (forward values and cotangents) the evaluation holds.

The memory model (the one under which Chen et al. 2016 count a chain's activations): a value is live while an
evaluation frame or the residual store still refers to it; a primitive's input that nobody else holds is freed as
its output is made (the output may reuse the buffer), so the peak is sampled just before each primitive call and
just after it returns. Under this model the closed forms below hold exactly; :func:`closed_form_cost` states them
and the tests check the interpreter against them.

Closed forms for a chain of ``n`` primitive lenses (``gets``, ``stored``, ``peak``):

- right-nested lens ``l1 ; (l2 ; …)``: ``2n − 1``, ``1``, ``n + 1``;
- left-nested lens ``((l1 ; l2) ; …)``: ``n(n+1)/2``, ``1``, ``3`` (``2`` for ``n = 1``);
- optic chain ``F(l1) ; … ; F(ln)``: ``n``, ``n``, ``n + 1``;
- checkpointed with right-nested segments of lengths ``k_1 … k_m``: ``2n − m``, ``m``, ``max_j (j + k_j)`` —
  for ``m = n/k`` equal segments ``2n − n/k``, ``n/k``, ``n/k + k`` (minimal near ``k = √n``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

from .chains import segment_lengths, tree_leaves
from .lens import Lens
from .optic import Optic

__all__ = [
    "ChainCost",
    "RunCost",
    "bracketing_cost",
    "closed_form_cost",
    "measure_run",
    "segmented_cost",
]


@dataclass(frozen=True)
class ChainCost:
    """Counts of a forward-then-backward run: recomputation (``gets``), stored values, peak live values."""

    gets: int
    stored: int
    peak: int


@dataclass(frozen=True)
class RunCost:
    """What :func:`measure_run` counted, with the run's output and input cotangent."""

    gets: int
    puts: int
    forwards: int
    backwards: int
    stored: int
    peak: int
    output: Any
    gradient: Any

    @property
    def forward_calls(self) -> int:
        """Primitive forward work: ``gets + forwards``."""
        return self.gets + self.forwards

    def counts(self) -> ChainCost:
        """``ChainCost(gets + forwards, stored, peak)``."""
        return ChainCost(self.gets + self.forwards, self.stored, self.peak)


class _Handle:
    """A value in the abstract memory with a reference count."""

    __slots__ = ("refs", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.refs = 1


class _Machine:
    """The interpreter. Each rule is a generator that yields the sub-runs it needs (``(rule, *arguments)``) and
    returns its value; :meth:`run` drives them with an explicit stack, so composites of any depth run without
    recursion and in exactly the order of the recursive rules."""

    def __init__(self) -> None:
        self.gets = self.puts = self.forwards = self.backwards = 0
        self.live = 0
        self.peak = 0

    def run(self, rule: str, *arguments: Any) -> Any:
        """Evaluate ``rule(*arguments)`` (``"get"``, ``"put"``, ``"forward"`` or ``"backward"``)."""
        stack = [getattr(self, rule)(*arguments)]
        value: Any = None
        while stack:
            try:
                request = stack[-1].send(value)
            except StopIteration as done:
                stack.pop()
                value = done.value
                continue
            stack.append(getattr(self, request[0])(*request[1:]))
            value = None
        return value

    # -- memory ---------------------------------------------------------------------------------------------
    def new(self, value: Any) -> _Handle:
        self.live += 1
        return _Handle(value)

    def retain(self, handle: _Handle) -> _Handle:
        handle.refs += 1
        return handle

    def release(self, handle: _Handle) -> None:
        handle.refs -= 1
        if handle.refs == 0:
            self.live -= 1
        elif handle.refs < 0:  # pragma: no cover - an interpreter bug, never user input
            raise RuntimeError("released a value twice")

    def release_tree(self, residual: Any) -> None:
        stack = [residual]
        while stack:
            node = stack.pop()
            if isinstance(node, _Handle):
                self.release(node)
            else:
                stack.extend(node)

    def sample(self) -> None:
        self.peak = max(self.peak, self.live)

    # -- lenses: get borrows or consumes its input; put borrows a and consumes the cotangent ------------------
    def get(self, lens: Lens, x: _Handle, consume: bool) -> Generator[tuple, Any, _Handle]:
        kind = lens.kind
        if kind == "primitive":
            self.sample()
            y = lens.get(x.value)
            self.gets += 1
            if consume:
                self.release(x)
            out = self.new(y)
            self.sample()
            return out
        if kind == "identity":
            return x if consume else self.retain(x)
        if kind == "compose":
            middle = yield ("get", lens.parts[1], x, consume)
            return (yield ("get", lens.parts[2], middle, True))
        if kind == "erase":
            residual, y = yield ("forward", lens.parts[1], x, consume)
            self.release_tree(residual)
            return y
        raise ValueError(f"measure_run cannot run a {kind!r} lens ({lens.name}): use sequential composites")

    def put(self, lens: Lens, a: _Handle, c: _Handle) -> Generator[tuple, Any, _Handle]:
        kind = lens.kind
        if kind == "primitive":
            self.sample()
            result = lens.put(a.value, c.value)
            self.puts += 1
            self.release(c)
            out = self.new(result)
            self.sample()
            return out
        if kind == "identity":
            return c
        if kind == "compose":
            first, second = lens.parts[1], lens.parts[2]
            b = yield ("get", first, a, False)  # the recomputation lens composition pays for
            c2 = yield ("put", second, b, c)
            self.release(b)
            return (yield ("put", first, a, c2))
        if kind == "erase":
            residual, y = yield ("forward", lens.parts[1], a, False)
            self.release(y)
            return (yield ("backward", lens.parts[1], residual, c))
        raise ValueError(f"measure_run cannot run a {kind!r} lens ({lens.name}): use sequential composites")

    # -- optics: forward returns (residual tree, output); backward consumes both residual and cotangent ---------
    def forward(self, optic: Optic, x: _Handle, consume: bool) -> Generator[tuple, Any, tuple[Any, _Handle]]:
        kind = optic.kind
        if kind == "primitive":
            self.sample()
            m, y = optic.forward(x.value)
            self.forwards += 1
            if consume:
                self.release(x)
            residual, out = self.new(m), self.new(y)
            self.sample()
            return residual, out
        if kind == "identity":
            return (), (x if consume else self.retain(x))
        if kind == "compose":
            m, middle = yield ("forward", optic.parts[1], x, consume)
            n, y = yield ("forward", optic.parts[2], middle, True)
            return (m, n), y
        if kind == "embed":
            residual = x if consume else self.retain(x)  # F keeps the whole input
            return residual, (yield ("get", optic.parts[1], residual, False))
        raise ValueError(f"measure_run cannot run a {kind!r} optic ({optic.name}): use sequential composites")

    def backward(self, optic: Optic, residual: Any, c: _Handle) -> Generator[tuple, Any, _Handle]:
        kind = optic.kind
        if kind == "primitive":
            self.sample()
            result = optic.backward(residual.value, c.value)
            self.backwards += 1
            self.release(residual)
            self.release(c)
            out = self.new(result)
            self.sample()
            return out
        if kind == "identity":
            return c
        if kind == "compose":
            m, n = residual
            c2 = yield ("backward", optic.parts[2], n, c)
            return (yield ("backward", optic.parts[1], m, c2))
        if kind == "embed":
            out = yield ("put", optic.parts[1], residual, c)
            self.release(residual)
            return out
        raise ValueError(f"measure_run cannot run a {kind!r} optic ({optic.name}): use sequential composites")


def measure_run(composite: Lens | Optic, a: Any, cotangent: Any | Callable[[Any], Any]) -> RunCost:
    """Run ``composite`` forward on ``a`` then backward on ``cotangent`` and count the work and memory.

    ``cotangent`` is the output cotangent, or a callable that makes it from the output (e.g. ``numpy.ones_like``).
    A lens keeps its input between the passes (``get``, then ``put(a, c')``); an optic keeps its residuals.
    Parallel products are refused with a ``ValueError`` (the interpreter follows sequential composites only).
    """
    if not isinstance(composite, (Lens, Optic)):
        raise TypeError(f"composite must be a Lens or an Optic, got {type(composite).__name__}")
    machine = _Machine()
    x = machine.new(a)
    machine.sample()
    if isinstance(composite, Lens):
        y = machine.run("get", composite, x, False)
        residual: Any = None
    else:
        residual, y = machine.run("forward", composite, x, True)
    stored = machine.live - 1  # everything held at the boundary except the output
    output = y.value
    machine.release(y)
    c = machine.new(cotangent(output) if callable(cotangent) else cotangent)
    machine.sample()
    if isinstance(composite, Lens):
        g = machine.run("put", composite, x, c)
        machine.release(x)
    else:
        g = machine.run("backward", composite, residual, c)
    gradient = g.value
    machine.release(g)
    if machine.live != 0:  # pragma: no cover - an interpreter bug
        raise RuntimeError(f"instrumented run leaked {machine.live} values")
    return RunCost(
        machine.gets, machine.puts, machine.forwards, machine.backwards, stored, machine.peak, output, gradient
    )


# -- closed forms ---------------------------------------------------------------------------------------------
SCHEMES = ("lens-right", "lens-left", "optic", "checkpoint")


def _check_n(n: object, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be >= 1, got {n}")
    return int(n)


def segmented_cost(lengths: Sequence[int]) -> ChainCost:
    """Closed form for a checkpointed chain with right-nested segments of the given lengths (in order).

    ``gets = n + Σ (k_j − 1) = 2n − m``; ``stored = m``; ``peak = max_j (j + k_j)`` (while segment ``j`` runs
    backward, the residuals of segments ``1 … j``, its ``k_j − 1`` recomputed values and the cotangent are live).
    """
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Iterable):
        raise TypeError(f"lengths must be a sequence of segment lengths, got {type(lengths).__name__}")
    lengths = [_check_n(k, f"lengths[{index}]") for index, k in enumerate(lengths)]
    if not lengths:
        raise ValueError("lengths must contain at least one segment length")
    n, m = sum(lengths), len(lengths)
    return ChainCost(2 * n - m, m, max(j + k for j, k in enumerate(lengths, start=1)))


def bracketing_cost(tree: Any) -> ChainCost:
    """Closed form for a lens composite of primitive lenses bracketed as ``tree``.

    ``gets = n + P(tree)`` with ``P(leaf) = 0``, ``P(t1 ; t2) = n(t1) + P(t2) + P(t1)`` (the put of ``t1 ; t2``
    recomputes ``get`` of ``t1``); ``stored = 1``; ``peak = max(2, H(tree))`` with ``H(leaf) = 2`` and
    ``H(t1 ; t2) = max(3, 1 + H(t2), H(t1))``.
    """
    tree_leaves(tree)  # validates the shape
    values: list[tuple[int, int, int]] = []  # (leaves, recomputed gets, put peak) of finished subtrees
    stack: list[tuple[bool, Any]] = [(False, tree)]
    while stack:  # post-order without recursion: trees of any depth
        combine, node = stack.pop()
        if combine:
            n2, p2, h2 = values.pop()
            n1, p1, h1 = values.pop()
            values.append((n1 + n2, n1 + p1 + p2, max(3, 1 + h2, h1)))
        elif isinstance(node, tuple):
            stack.extend(((True, None), (False, node[1]), (False, node[0])))
        else:
            values.append((1, 0, 2))
    n, p, h = values[0]
    return ChainCost(n + p, 1, max(2, h))


def closed_form_cost(scheme: str, n: int, k: int | None = None) -> ChainCost:
    """The closed-form counts of ``scheme`` for a chain of ``n`` primitive lenses.

    ``scheme`` is ``"lens-right"``, ``"lens-left"``, ``"optic"`` or ``"checkpoint"`` (segments of ``k`` layers,
    the last one shorter when ``k ∤ n``).
    """
    if not isinstance(scheme, str):
        raise TypeError(f"scheme must be a str, one of {', '.join(SCHEMES)}; got {type(scheme).__name__}")
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(map(repr, SCHEMES))}; got {scheme!r}")
    n = _check_n(n)
    if k is not None:
        k = _check_n(k, "k")
    if scheme == "lens-right":
        return ChainCost(2 * n - 1, 1, n + 1)
    if scheme == "lens-left":
        return ChainCost(n * (n + 1) // 2, 1, 2 if n == 1 else 3)
    if scheme == "optic":
        return ChainCost(n, n, n + 1)
    if k is None:
        raise ValueError("scheme 'checkpoint' needs the segment length k")
    return segmented_cost(segment_lengths(n, k))
