import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
import torch.distributed as dist
from torch.distributed.fsdp import fully_shard
dist.init_process_group('gloo', store=dist.HashStore(), rank=0, world_size=1)
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
from torch.distributed.tensor import distribute_tensor, Shard, Replicate
mesh = torch.distributed.device_mesh.init_device_mesh('cpu', (1,)); m = nn.Linear(2, 2)
m.weight = nn.Parameter(distribute_tensor(m.weight.detach(), mesh, [Shard(0)]))
P.register_parametrization(m, 'weight', Double())
m.weight = distribute_tensor(torch.ones(2, 2), mesh, [Replicate()])
print(m.parametrizations.weight.original.placements)  # (Replicate(),), not (Shard(dim=0),)
dist.destroy_process_group()
