import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.9.1')).api
m = nn.Linear(2, 2, bias=False); P.register_parametrization(m, 'weight', nn.Identity())
with P.cached():
    traced = torch.jit.trace(m, (torch.ones(2, 2),))
print(type(traced).__name__)  # TopLevelTracedModule: no RuntimeError
