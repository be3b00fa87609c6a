import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
src = nn.Linear(2, 2)
for n in ('weight', 'bias'): P.register_parametrization(src, n, Double())
try: P.transfer_parametrizations_and_params(src, nn.Linear(2, 2, bias=False))
except AttributeError as e: print(repr(e))  # 'NoneType' object has no attribute 'shape'
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())
P.transfer_parametrizations_and_params(m, m)  # RuntimeError: dictionary changed size during iteration
