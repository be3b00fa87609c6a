import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.9.1')).api
m = nn.LazyLinear(2); P.register_parametrization(m, 'weight', nn.Identity())
print(P.is_parametrized(m, 'weight'))  # True: no RuntimeError
