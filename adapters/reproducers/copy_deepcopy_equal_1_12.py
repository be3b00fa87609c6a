import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.12.1')).api
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())
copy.deepcopy(m)  # RuntimeError
