import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
from torch._dynamo.utils import counters
class Sym(nn.Module):
    def forward(self, x): return x.triu() + x.triu(1).transpose(-1, -2)
class Block(nn.Module):
    def __init__(self): super().__init__(); self.weight = nn.Parameter(torch.randn(4, 4))
    def forward(self, x): return x @ self.weight
layers = [P.register_parametrization(Block(), 'weight', Sym()) for _ in range(12)]
torch._dynamo.reset(); counters.clear()
for layer in layers: layer.compile(backend='eager'); layer(torch.randn(2, 4))
print(counters['stats']['unique_graphs'], dict(counters['frames']))  # 8 {'total': 9, 'ok': 8}: the 9th frame hit the recompile limit
