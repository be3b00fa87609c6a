import torch, copy
from torch import nn
import torch.nn.utils.parametrize as P
class Sum2(nn.Module):
    def forward(self, a, b): return a + b
    def right_inverse(self, x): return x / 2, x / 2
torch.__future__.set_swap_module_params_on_conversion(True)
m = nn.Linear(2, 2, bias=False); P.register_parametrization(m, 'weight', Sum2())
compiled = torch.compile(m, backend='eager'); compiled(torch.ones(1, 2))
m.weight = torch.ones(2, 2)  # RuntimeError
