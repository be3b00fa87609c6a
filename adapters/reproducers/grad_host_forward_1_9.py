import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.9.1')).api
from parametrize_conformance.library import Identity
torch.manual_seed(0)
m = nn.LSTM(2, 2, bias=False); x = torch.randn(3, 1, 2)
P.register_parametrization(m, 'weight_ih_l0', Identity()); m.weight_ih_l0 = torch.randn(8, 2)
with torch.no_grad(): m.parametrizations.weight_ih_l0.original.mul_(0.5)
ref = nn.LSTM(2, 2, bias=False)
with torch.no_grad():
    ref.weight_ih_l0.copy_(m.weight_ih_l0); ref.weight_hh_l0.copy_(m.weight_hh_l0)
print(torch.allclose(m(x)[0], ref(x)[0]))  # False
