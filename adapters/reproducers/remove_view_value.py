import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
torch.__future__.set_swap_module_params_on_conversion(True)
class Flat(nn.Module):
    def forward(self, x): return x.flatten()
m = nn.Linear(3, 3); P.register_parametrization(m, 'weight', Flat(), unsafe=True)
P.remove_parametrizations(m, 'weight', leave_parametrized=True)  # RuntimeError
