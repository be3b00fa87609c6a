import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-2.9.1')).api
class ToMeta(nn.Module):
    def forward(self, x): return x
    def right_inverse(self, x): return x.to('meta')
P.register_parametrization(nn.Linear(2, 2), 'weight', ToMeta())  # RuntimeError
