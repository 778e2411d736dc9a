"""The optics conformance domain: lens laws, composition, checkpoint counts and checkpointed VJPs."""

from __future__ import annotations

from assay.conformance.registry import CapabilitySpec, ContractSpec, Domain, Limit

__all__ = ["DOMAIN"]

CAPABILITIES = (
    CapabilitySpec(
        "optics.lens_laws",
        "f() -> list[LawCase] (assay.properties.optics.LawCase): the library's lens kinds on finite domains, with "
        "the laws the library documents as not holding there (breaks)",
    ),
    CapabilitySpec("optics.make_lens", "f(get, put) -> (get, put): the library's custom-lens constructor"),
    CapabilitySpec("optics.compose", "f(case1, case2) -> (get, put): the library's composition of two LawCases"),
    CapabilitySpec(
        "optics.checkpoint_counts",
        "f(n, scheme, k) -> {'segments': [...], 'gets': int, 'stored': int, ...}: layer forwards and stored "
        "activations of a chain of n layers checkpointed with scheme 'checkpoint' (segments of k layers) or "
        "'checkpoint_sequential'",
        limits=("max_chain_length",),
    ),
    CapabilitySpec(
        "optics.checkpointed_vjp",
        "f(chain, x, cotangent, k) -> gradient: the vector-Jacobian product of a chain of "
        "assay.reference.optics.ad.Primitive, checkpointed every k layers (float64 numpy in and out)",
        limits=("max_chain_length",),
    ),
)

LIMITS = (Limit("max_chain_length", "chain_length", "max", "the longest chain of layers the implementation runs"),)

CONTRACTS = (
    ContractSpec(
        "optics.checkpointed_vjp", "value", 1e-12, "rel", "max |reference gradient component|",
        "float64 VJPs through different evaluation orders differ by a few ulps per layer; 1e-12 allows chains of "
        "tens of layers and fails a wrong segment boundary or a dropped layer by orders of magnitude",
        float32_bound=1e-4,
    ),
    ContractSpec(
        "optics.checkpoint_counts", "counts", 0, "count", "",
        "recomputed layer forwards (2n − m) and stored activations (m) of a segmentation into m segments are "
        "integers fixed by the closed form: any difference is a different schedule",
    ),
)

#: ``checkpoint_cases``: (n, k) chains for the counts; ``vjp_lengths``: chain lengths of the VJP checks;
#: ``vjp_k``: checkpoint intervals.
SIZES = {
    "quick": {"checkpoint_cases": ((8, 1), (8, 2), (12, 5), (64, 8)), "vjp_lengths": (1, 3, 9), "vjp_k": (1, 2)},
    "ci": {"checkpoint_cases": ((8, 1), (8, 2), (8, 8), (16, 4), (12, 5), (64, 8), (200, 14)),
           "vjp_lengths": (1, 3, 6, 9, 24), "vjp_k": (1, 2, 4)},
    "thorough": {"checkpoint_cases": ((8, 1), (8, 2), (8, 8), (16, 4), (12, 5), (64, 8), (200, 14), (1000, 31)),
                 "vjp_lengths": (1, 3, 6, 9, 24, 64), "vjp_k": (1, 2, 3, 4, 8)},
}

DOMAIN = Domain(
    name="optics",
    title="Lenses and optics: laws, composition, checkpointing",
    capabilities=CAPABILITIES,
    limits=LIMITS,
    contracts=CONTRACTS,
    sizes=SIZES,
    builtin="assay.conformance.optics.builtin:OpticsBuiltin",
    order=20,
)
