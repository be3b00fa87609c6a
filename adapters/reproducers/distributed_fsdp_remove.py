import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
import torch.distributed as dist
from torch.distributed.fsdp import fully_shard
dist.init_process_group('gloo', store=dist.HashStore(), rank=0, world_size=1)
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
m = P.register_parametrization(nn.Linear(2, 2), 'weight', Double()); fully_shard(m)
before = m.parametrizations.weight.original.full_tensor().clone()
try: P.remove_parametrizations(m, 'weight', leave_parametrized=True)
except AttributeError as e: print(e)  # type object 'FSDPParametrizedLinear' has no attribute 'weight'
print(torch.equal(m.parametrizations.weight.original.full_tensor(), 2 * before))  # True: changed anyway
dist.destroy_process_group()
