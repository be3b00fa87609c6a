import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
torch.__future__.set_swap_module_params_on_conversion(True)
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
m = nn.LSTM(3, 4)  # keeps weak references to its weights
P.register_parametrization(m, 'weight_hh_l0', Double())  # RuntimeError: Cannot swap t1 because it has weakref associated with it
