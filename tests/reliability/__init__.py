"""Reliability tests: every public entry point refuses bad input with a clean error, or answers correctly."""
