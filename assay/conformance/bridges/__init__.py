"""The bridges conformance domain: Schrödinger bridges and entropic OT."""
