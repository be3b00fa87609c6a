import torch, copy
from torch import nn
import torch.nn.utils.parametrize as P
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())
try: P.transfer_parametrizations_and_params(m, m)
except RuntimeError as e: print(e)  # OrderedDict mutated during iteration
print(len(m.parametrizations.weight))  # 2: the chain doubled
