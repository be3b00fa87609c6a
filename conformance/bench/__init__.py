"""Benchmarks of the parametrize API over every available adapter (run with `pytest --pyargs
parametrize_conformance.bench`)."""
