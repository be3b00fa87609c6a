import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
src = nn.Module(); src.register_buffer('b', torch.ones(2))
P.register_parametrization(src, 'b', Double())
P.transfer_parametrizations_and_params(src, nn.Module(), 'b')  # TypeError
