import torch, copy
from torch import nn
import torch.nn.utils.parametrize as P
torch.__future__.set_swap_module_params_on_conversion(True)
class Id(nn.Module):
    def forward(self, x): return x
    def right_inverse(self, x): return x
def step(m, x):
    P.register_parametrization(m, 'weight', Id())
    return m(x)
torch.compile(step, backend='eager')(nn.Linear(2, 2, bias=False), torch.ones(1, 2))  # RuntimeError
