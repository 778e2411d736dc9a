"""Griffe extension for the API pages: Sphinx cross-reference roles in docstrings become code spans.

assay's docstrings name other objects the Sphinx way (``:func:`wigner_3j```,
``:class:`~assay.core.exact.SqrtRational```). Markdown has no such roles, so the API reference would show the role
names literally. This extension rewrites each ``:role:`target``` to the code span ``target`` (``~a.b.C`` to ``C``,
as Sphinx shows it) before mkdocstrings renders the docstring. The source files are not touched.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|class|data|mod|meth|attr|exc|obj|const|type):`(~?)([^`]+)`")


def _target(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


def strip_roles(text: str) -> str:
    """``text`` with every Sphinx cross-reference role replaced by a Markdown code span of its target."""
    return ROLE.sub(_target, text)


class SphinxRolesToCode(griffe.Extension):
    """Rewrite the docstring of every object griffe loads (see the module docstring)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = strip_roles(obj.docstring.value)
