import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
torch.__future__.set_swap_module_params_on_conversion(True)
class Id(nn.Module):
    def forward(self, x): return x
    def right_inverse(self, x): return x
m = nn.Module(); m.register_buffer('b', torch.zeros(3)); P.register_parametrization(m, 'b', Id())
v = torch.ones(3, requires_grad=True) * 2; m.b = v
print(m.parametrizations.b.original.grad_fn, v)  # MulBackward0, tensor([0., 0., 0.])
