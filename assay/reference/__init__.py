"""Ground truth: exact values (sqrt-rational numbers in Python integers) or mpmath at any precision.

No torch here. One subpackage per domain: ``assay.reference.so3``, ``assay.reference.optics``, …
"""
