import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
m = nn.Module(); m.register_buffer('s', torch.zeros(2), persistent=False)
P.register_parametrization(m, 's', nn.Identity())
print(list(m.state_dict()))  # ['parametrizations.s.original']
