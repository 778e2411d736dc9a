"""The assay conformance suite: ``pytest --pyargs assay.conformance --assay-impl NAME``.

- :mod:`assay.conformance.plugin` — the pytest plugin (options, fixtures, skips/xfails files, JSON report).
- :mod:`assay.conformance.adapters` — the adapter protocol and the shipped adapters (``builtin``, ``e3nn``,
  ``sympy``, and ``buggy-*`` adapters that carry known bugs the suite must catch).
- :mod:`assay.conformance.contracts` — the accuracy contracts (capability × measure × dtype → bound and why).
- :mod:`assay.conformance.report`, :mod:`~assay.conformance.matrix`, :mod:`~assay.conformance.fingerprint` — the
  JSON report, the conformance matrix, convention fingerprints.
- ``test_so3_*.py`` — the so3 chapters; other domains add their own ``test_<domain>*.py``.

Importing this package imports nothing heavy.
"""
