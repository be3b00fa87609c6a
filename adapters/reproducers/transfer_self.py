import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())
P.transfer_parametrizations_and_params(m, m)  # RuntimeError, and len(m.parametrizations.weight) is now 2
