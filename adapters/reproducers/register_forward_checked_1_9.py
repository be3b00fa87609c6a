import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.9.1')).api
class Bad(nn.Module):
    def forward(self, x): return (x,)
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Bad())
print(P.is_parametrized(m, 'weight'))  # True: registered, no ValueError
