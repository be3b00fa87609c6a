import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
m = nn.Linear(2, 2); m.parametrizations = nn.ModuleDict()
P.register_parametrization(m, 'weight', nn.Identity())  # no error: the user's ModuleDict is gone
