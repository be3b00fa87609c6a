import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.9.1')).api
class Sum2(nn.Module):
    def forward(self, a, b): return a + b
    def right_inverse(self, x): return x / 2, x / 2
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Sum2())
print(list(m.parametrizations.weight._parameters))  # ['original'], not ['original0', 'original1']
m.weight  # TypeError
