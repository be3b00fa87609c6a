import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Fails(nn.Module):
    fail = False
    def forward(self, x):
        if self.fail: raise AttributeError('boom')
        return x
m = nn.Linear(2, 2); p = Fails(); P.register_parametrization(m, 'weight', p); p.fail = True
m.weight  # AttributeError: 'ParametrizedLinear' object has no attribute 'weight', not AttributeError('boom')
