import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
import threading
m = P.register_parametrization(nn.Linear(2, 2), 'weight', Double())
got, first, both = {}, threading.Event(), threading.Barrier(2, timeout=10)
def worker(name):
    with P.cached():
        if name == 'b': first.wait(10)
        got[name] = m.weight; first.set(); both.wait()
ts = [threading.Thread(target=worker, args=(n,)) for n in 'ab']; [t.start() for t in ts]; [t.join(10) for t in ts]
print(got['a'] is got['b'])  # True: thread b was served thread a's cached value
