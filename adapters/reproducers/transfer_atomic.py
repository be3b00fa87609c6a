import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
src = nn.Linear(2, 2)
for n in ('weight', 'bias'): P.register_parametrization(src, n, Double())
dst = nn.Linear(2, 2, bias=False)
P.transfer_parametrizations_and_params(src, dst)  # AttributeError, and dst.weight is now parametrized
