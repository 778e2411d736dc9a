"""The frames conformance domain: PCA frame averaging (Puny et al., ICLR 2022)."""
