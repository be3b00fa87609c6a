import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', nn.Identity())
P.remove_parametrizations(m, 'weight'); print(list(m.state_dict()))  # ['bias', 'weight']
