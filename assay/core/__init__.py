"""Shared machinery used by every domain and role.

- :mod:`assay.core.exact` — exact numbers of the form ``±√(p/q)·π^(k/2)`` with correctly rounded float conversion.
- :mod:`assay.core.errors` — error measures (ulps, relative error) summarised as max, mean and worst input.
- :mod:`assay.core.conventions` — the registry of named conventions.
- :mod:`assay.core.validation` — argument checks that raise clear ``ValueError``/``TypeError``.
- :mod:`assay.core.profiles` — the Hypothesis profiles (``dev``, ``ci``, ``thorough``).
"""
