"""Real clients on an implementation: torch's own parametrizations (orthogonal, spectral_norm, weight_norm) and its
pruning sparsifier, imported afresh with the implementation standing in for torch.nn.utils.parametrize, must behave
exactly as they do on torch. Run with `pytest --pyargs parametrize_conformance.clients --adapter SPEC`; conformance runs
(`pytest --pyargs parametrize_conformance --adapter SPEC`) leave these tests out."""
