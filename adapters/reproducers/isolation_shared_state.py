import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Net(nn.Linear): pass
m = Net(2, 2); m.parametrizations = nn.ModuleDict({'x': nn.Identity()})
P.register_parametrization(m, 'weight', nn.Identity())
print(type(m) is Net, type(vars(Net)['weight']))  # True <class 'property'>: Net itself was written
other = P.register_parametrization(Net(2, 2), 'bias', nn.Identity())  # another Net
other.weight  # KeyError: 'weight'
