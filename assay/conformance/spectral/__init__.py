"""The spectral conformance domain: Wiener–Khinchin kernels, derivative kernels and Kronecker GP algebra."""
