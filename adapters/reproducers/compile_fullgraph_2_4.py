import torch, copy
from torch import nn
import torch.nn.utils.parametrize as P
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
class Cached(nn.Module):
    def __init__(self, m): super().__init__(); self.m = m
    def forward(self, x):
        with P.cached(): return self.m(x)
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())
torch.compile(Cached(m), backend='eager', fullgraph=True)(torch.ones(1, 2))  # Unsupported
