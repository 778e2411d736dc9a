"""Conformance: checkpointing as optics — measured recomputation and storage against the closed forms, and
checkpointed vector–Jacobian products against the reference reverse derivative.

- ``optics.checkpoint_counts`` — ``f(n, scheme, k) -> {"segments", "gets", "stored", …}``. Property: measured
  recomputation and stored activations equal the closed form of the declared segmentation (``gets = 2n − m``,
  ``stored = m``; contract unit ``count``, bound 0), and ``scheme="checkpoint"`` declares ``⌈n/k⌉`` segments of
  ``k`` layers. Chains from the profile's ``checkpoint_cases`` (up to n = 200 in ``ci``, 1000 in ``thorough``).
- ``optics.checkpointed_vjp`` — ``f(chain, x, cotangent, k) -> gradient``. Property: agrees with the reference
  reverse derivative of the chain (``assay.reference.optics``) within the ``rel`` contract (1e-12 of the largest
  component in float64), for chain lengths ``vjp_lengths`` and intervals ``vjp_k``.

A chain longer than the adapter's declared ``max_chain_length`` is not provided.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.conformance.support import summarize_rel
from assay.core.errors import summarize

CHECKPOINT_COUNTS = "optics.checkpoint_counts"
CHECKPOINTED_VJP = "optics.checkpointed_vjp"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    sizes = profile_sizes(metafunc)
    if "n_k" in metafunc.fixturenames:
        metafunc.parametrize("n_k", sizes["checkpoint_cases"], ids=lambda c: f"n={c[0]}-k={c[1]}")
    if "length" in metafunc.fixturenames:
        metafunc.parametrize("length", sizes["vjp_lengths"], ids=lambda n: f"layers={n}")


@pytest.mark.assay_capability(CHECKPOINT_COUNTS, limits={"chain_length": "n_k"})
@pytest.mark.parametrize("scheme", ["checkpoint", "checkpoint_sequential"])
def test_checkpoint_counts_equal_the_closed_form_of_their_segmentation(assay_adapter, assay_check, scheme, n_k):
    from assay.reference.optics.chains import segment_lengths
    from assay.reference.optics.cost import segmented_cost

    n, k = n_k
    measured = assay_adapter.get(CHECKPOINT_COUNTS)(n, scheme, k)
    segments = list(measured["segments"])
    assert sum(segments) == n and all(s >= 1 for s in segments), f"declared segmentation {segments} is not of n={n}"
    if scheme == "checkpoint":
        assert segments == segment_lengths(n, k), f"checkpoint with k={k} must run segments {segment_lengths(n, k)}"
    expected = segmented_cost(segments)
    got = (measured["gets"], measured["stored"])
    want = (expected.gets, expected.stored)
    summary = summarize([abs(g - w) for g, w in zip(got, want)], "count",
                        inputs=[(n, scheme, k, "gets"), (n, scheme, k, "stored")], actual=got, expected=want)
    assay_check.check(
        summary, contract_for(CHECKPOINT_COUNTS, "counts", "float64"),
        f"{scheme}(n={n}, k={k}) on segments {segments}: measured gets/stored {got[0]}/{got[1]}, closed form "
        f"2n−m = {want[0]}, m = {want[1]}",
        "from assay.conformance.adapters import load_adapter\n"
        f"print(load_adapter({assay_adapter.spec!r}).get({CHECKPOINT_COUNTS!r})({n}, {scheme!r}, {k}))\n",
    )


def _chain(length: int, seed: int):
    from assay.reference.optics.ad import Primitive

    rng = np.random.default_rng(seed)
    names = ["tanh", "sin", "sigmoid", "relu", "cos"]
    chain = [Primitive("affine", (4,), (rng.uniform(-1, 1, (4, 4)) / 2, rng.uniform(-1, 1, 4)))]
    for index in range(length - 1):
        chain.append(Primitive(names[index % len(names)], (4,)))
    return chain, rng.uniform(-1, 1, 4), rng.uniform(-1, 1, 4)


@pytest.mark.assay_capability(CHECKPOINTED_VJP, limits={"chain_length": "length"})
def test_checkpointed_vjp_matches_the_reference_reverse_derivative(assay_adapter, assay_check, assay_sizes, length):
    from assay.reference.optics.ad import primitive_lenses
    from assay.reference.optics.chains import right_nested

    vjp = assay_adapter.get(CHECKPOINTED_VJP)
    chain, x, cotangent = _chain(length, 2024 + length)
    expected = right_nested(primitive_lenses(chain)).put(x, cotangent)
    scale = np.max(np.abs(expected))
    differences, actual, inputs = [], [], []
    for k in assay_sizes["vjp_k"]:
        got = np.asarray(vjp(chain, x, cotangent, min(k, length)), dtype=np.float64)
        if got.shape != expected.shape:
            raise AssertionError(f"{assay_adapter.name}: {CHECKPOINTED_VJP} returned shape {got.shape}, "
                                 f"expected {expected.shape}")
        differences.append(np.max(np.abs(got - expected)))
        actual.append(got.tolist())
        inputs.append({"layers": [p.name for p in chain], "k": min(k, length)})
    summary = summarize_rel(np.array(differences), scale, inputs, actual=actual,
                            expected=[expected.tolist()] * len(actual))
    assay_check.check(
        summary, contract_for(CHECKPOINTED_VJP, "value", assay_adapter.dtype),
        f"the checkpointed VJP of a {length}-layer chain equals the reference reverse derivative",
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.optics.test_optics_checkpointing import _chain\n"
        "from assay.reference.optics.ad import primitive_lenses\n"
        "from assay.reference.optics.chains import right_nested\n"
        f"chain, x, c = _chain({length}, {2024 + length})\n"
        f"got = load_adapter({assay_adapter.spec!r}).get({CHECKPOINTED_VJP!r})(chain, x, c, "
        f"{summary.worst_input['k'] if summary.worst_input else 1})\n"
        "print(np.abs(got - right_nested(primitive_lenses(chain)).put(x, c)).max())\n",
    )
