"""Lenses and optics with residuals: composition, F and U, 2-cells, equivalence, instrumented costs, AD lenses.

Reference implementations in plain Python/numpy (no torch). The public surface:

- :class:`Lens`, :func:`compose_lenses`, :func:`identity_lens`, :func:`parallel_lenses`, :func:`primitive_lens`;
- :class:`Optic`, :func:`compose_optics`, :func:`identity_optic`, :func:`parallel_optics`, :func:`primitive_optic`;
- :func:`embed` (F: Lens → Optic) and :func:`erase` (U: Optic → Lens);
- :class:`TwoCell`, :func:`check_two_cell`, :func:`comparison_cell`, :func:`projection_cell`, :func:`counit_cell`;
- :func:`optics_equivalent`, :func:`lenses_agree`, :func:`values_equal`;
- :func:`measure_run`, :func:`closed_form_cost`, :func:`segmented_cost`, :func:`bracketing_cost`;
- chains: :func:`right_nested`, :func:`left_nested`, :func:`bracketed`, :func:`optic_chain`, :func:`checkpointed`;
- AD lenses: :class:`Primitive`, :func:`primitive_lens_of`, :func:`primitive_lenses`; learners and Para(Lens).
"""

from .ad import PRIMITIVES, Primitive, chain_output_shape, primitive_lens_of, primitive_lenses
from .chains import (
    bracketed,
    checkpointed,
    left_nested,
    left_tree,
    optic_chain,
    right_nested,
    right_tree,
    segment_lengths,
    tree_leaves,
)
from .cost import ChainCost, RunCost, bracketing_cost, closed_form_cost, measure_run, segmented_cost
from .equivalence import EquivalenceCheck, lenses_agree, optics_equivalent, values_equal
from .functors import embed, erase
from .learners import (
    Learner,
    compose_learners,
    compose_para,
    gradient_step,
    gradient_step_lens,
    learner_from_para,
    para_affine,
    para_primitive,
    squared_error_lens,
)
from .lens import Lens, compose_lenses, identity_lens, parallel_lenses, primitive_lens
from .optic import Optic, compose_optics, identity_optic, parallel_optics, primitive_optic
from .two_cells import (
    BACKWARD_EQUATION,
    FORWARD_EQUATION,
    TwoCell,
    TwoCellCheck,
    check_two_cell,
    comparison_cell,
    counit_cell,
    projection_cell,
)

__all__ = [
    "BACKWARD_EQUATION",
    "FORWARD_EQUATION",
    "PRIMITIVES",
    "ChainCost",
    "EquivalenceCheck",
    "Learner",
    "Lens",
    "Optic",
    "Primitive",
    "RunCost",
    "TwoCell",
    "TwoCellCheck",
    "bracketed",
    "bracketing_cost",
    "chain_output_shape",
    "check_two_cell",
    "checkpointed",
    "closed_form_cost",
    "comparison_cell",
    "compose_learners",
    "compose_lenses",
    "compose_optics",
    "compose_para",
    "counit_cell",
    "embed",
    "erase",
    "gradient_step",
    "gradient_step_lens",
    "identity_lens",
    "identity_optic",
    "learner_from_para",
    "left_nested",
    "left_tree",
    "lenses_agree",
    "measure_run",
    "optic_chain",
    "optics_equivalent",
    "para_affine",
    "para_primitive",
    "parallel_lenses",
    "parallel_optics",
    "primitive_lens",
    "primitive_lens_of",
    "primitive_lenses",
    "primitive_optic",
    "projection_cell",
    "right_nested",
    "right_tree",
    "segment_lengths",
    "segmented_cost",
    "squared_error_lens",
    "tree_leaves",
    "values_equal",
]
