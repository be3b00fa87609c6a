import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-2.9.1')).api
torch.__future__.set_swap_module_params_on_conversion(True)
class ToMeta(nn.Module):
    def forward(self, x): return x
    def right_inverse(self, x): return x.to('meta')
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', ToMeta())
print(m.parametrizations.weight.original.device)  # meta: accepted, no ValueError
