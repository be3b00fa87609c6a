import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-2.3.1')).api
class Int8Codes(nn.Module):
    def forward(self, q, s): return q.to(s.dtype) * s
    def right_inverse(self, w):
        s = w.abs().max() / 127
        return torch.round(w / s).to(torch.int8), s
m = nn.Linear(2, 2); m.weight.requires_grad_(False)
P.register_parametrization(m, 'weight', Int8Codes())  # RuntimeError: Only Tensors of floating point ...
