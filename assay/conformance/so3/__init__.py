"""The so3 conformance domain: spherical harmonics, Wigner D, CG/3j, Gaunt, coupling tensors, the Gaunt product."""
