import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
torch.__future__.set_swap_module_params_on_conversion(True)
class Id(nn.Module):
    def forward(self, x): return x
    def right_inverse(self, x): return x
m = nn.Linear(3, 3); loss = m.weight.sum(); loss.backward()  # loss's graph still holds weight
P.register_parametrization(m, 'weight', Id())
m.weight.sum().backward()  # RuntimeError: ... poisoned by swap_tensors
