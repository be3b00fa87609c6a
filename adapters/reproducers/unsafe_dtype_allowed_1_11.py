import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.11.0')).api
class ToDouble(nn.Module):
    def forward(self, x): return x.double()
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', ToDouble(), unsafe=True)
P.remove_parametrizations(m, 'weight', leave_parametrized=True)  # RuntimeError
