"""Mutation testing of the reference with the conformance suite: `python -m parametrize_conformance.mutation`."""
