"""Fast torch implementations, device- and dtype-agnostic, held to :mod:`assay.reference`."""
