import os
from parametrize_conformance.sequences import Step, replay
replay('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-2.3.1'), [
    Step("m0 = HostSpec('linear', n=3, m=3, dtype=torch.float32, seed=4096).build('cpu')"),
    Step("P.register_parametrization(m0, 'weight', Weighted(3))", atomic=True),
    Step("m2 = P.transfer_parametrizations_and_params(m0, HostSpec('buffers', n=3, m=3, dtype=torch.float32, seed=5622).build('cpu'))", refusal=('TRANSFER-ATOMIC', '')),
    Step('with P.cached():\n    a = m2.weight\n    with P.cached():\n        b = m2.weight\n    m2.weight = a.detach() * 0.5\n    c = m2.weight\nd = m2.weight\nout = (a is b, b is c, c is d, a, c, d)'),
    Step('keys = m2.load_state_dict({k: v.detach().clone() * 0.5 for k, v in m0.state_dict().items()}, strict=True, assign=True)\nout = (sorted(keys.missing_keys), sorted(keys.unexpected_keys))'),
], swap=True)  # SequenceDivergence
