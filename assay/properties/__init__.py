"""Hypothesis strategies and property checks (functions that return an error size), one subpackage per domain."""
