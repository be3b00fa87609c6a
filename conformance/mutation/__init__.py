"""Mutation testing of the reference with the conformance suite: `python -m conformance.mutation`."""
