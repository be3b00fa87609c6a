"""Clauses older torch releases break, found by the history matrix (python -m parametrize_conformance.report history):
each with the releases it holds for, its reason and a reproducer that runs on that release's own parametrize.py.

A reproducer loads the release from the history command's cache, PARAMETRIZE_CONFORMANCE_TORCH_CACHE (fetch it with
`python -m parametrize_conformance.report history --cache "$PARAMETRIZE_CONFORMANCE_TORCH_CACHE" --releases X`); its last
line shows the behaviour.
"""

from __future__ import annotations

from parametrize_conformance.adapters._divergence import Divergence

_DOUBLE = "class Double(nn.Module):\n    def forward(self, x): return 2 * x\n    def right_inverse(self, y): return y / 2\n"
_SUM2 = (
    "class Sum2(nn.Module):\n    def forward(self, a, b): return a + b\n"
    "    def right_inverse(self, x): return x / 2, x / 2\n"
)


def on_release(release: str) -> str:
    """The head of a reproducer that runs on torch `release`'s parametrize.py, as P."""
    return (
        "import os, copy, torch\nfrom torch import nn\nfrom parametrize_conformance.adapters import load_adapter\n"
        "P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], "
        f"'torch-{release}')).api\n"
    )


def _group(clauses: str, releases: str, reason: str, release: str, body: str, match: str) -> tuple[Divergence, ...]:
    """One divergence per clause of `clauses`, all for one behaviour of `releases` shown on `release`, whose failures
    (of any exception type) match `match`."""
    return tuple(Divergence(c, reason, on_release(release) + body, releases, match=match) for c in clauses.split())


# What a release without multi-input parametrizations shows: one 'original', a forward given one tensor, a tuple
# written into one tensor, and the errors the multi-input checks expect never raised.
_MULTI_SYMPTOMS = (
    r"missing \d+ required positional argument|must be Tensor, not tuple|original'[\],]|"
    r"registering Arity\(.*got no exception|failed to bind arguments"
)
_NO_DEEPCOPY_SYMPTOM = r"Serialization of parametrized modules is only supported through state_dict\(\)"

_NO_MULTI = _group(
    "MULTI-ORIGINALS MULTI-SINGLE-SEQUENCE MULTI-VALUE MULTI-ARITY ASSIGN-KEEPS-ID ASSIGN-MULTI ASSIGN-NO-GRAD "
    "ASSIGN-PARAMETER-REFUSED REMOVE-MULTI CACHE-SAME-OBJECT CACHE-KEPT-IN-CONTEXT SERIAL-STATE-DICT-KEYS "
    "SERIAL-ROUND-TRIP SERIAL-WEIGHTS-ONLY BUFFER-STAYS-BUFFER GRAD-FLOWS GRAD-OPTIMIZER-STEP GRAD-REQUIRES-GRAD "
    "GRAD-LIVE-GRAPH COMPILE-VALUES COMPILE-AFTER-CHANGE EXPORT-PROGRAM "
    "EXPORT-CACHED FUNCTIONAL-ORIGINALS FUNCTIONAL-TRANSFORMS JIT-TRACE INIT-META CONVERT-DTYPE "
    "CONVERT-MEMORY-FORMAT CONVERT-AUTOCAST ASSIGN-DTYPE-CHECKED CACHE-REPLACED-ORIGINAL "
    "FUNCTIONAL-CACHED INIT-ASSIGN-LOAD JIT-TRACE-CACHED-REFUSED REMOVE-MULTI-KEEPS-KIND STACK-FORWARD-CHECKED "
    "STACK-INVERSE-CHECKED COMPILE-REGISTER-INSIDE REGISTER-SWAP-WEAKREF GRAD-HOST-STEP REGISTER-FORWARD-ERROR "
    "MULTI-MIXED-DTYPE MULTI-MIXED-DTYPE-TRAINABLE REMOVE-MIXED-DTYPE ASSIGN-SHAPE-CHECKED ASSIGN-MULTI-ERROR-TYPE "
    "GRAD-HOST-FORWARD STACK-CHECK-DETAILS JIT-TRACE-CACHED-MESSAGE JIT-SCRIPT-MESSAGE",
    "<1.10",
    "torch 1.9 has no multi-input parametrizations: a right_inverse returning a sequence is stored as one "
    "'original', and forward gets one tensor; the clause's examples draw such a parametrization (1.10 added them)",
    "1.9.1",
    _SUM2 + "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Sum2())\n"
    "print(list(m.parametrizations.weight._parameters))  # ['original'], not ['original0', 'original1']\n"
    "m.weight  # TypeError\n",
    _MULTI_SYMPTOMS,
)

_NO_UNSAFE = _group(
    "UNSAFE-SHAPE-ALLOWED UNSAFE-DTYPE-ALLOWED UNSAFE-STICKY UNSAFE-SKIPS-CALLS REMOVE-UNSAFE-SHAPE REMOVE-VIEW-VALUE "
    "ASSIGN-DTYPE-CHECKED",
    "<1.10",
    "torch 1.9's register_parametrization has no unsafe keyword (1.10 added it)",
    "1.9.1",
    "P.register_parametrization(nn.Linear(2, 2), 'weight', nn.Identity(), unsafe=True)  # TypeError\n",
    r"unexpected keyword argument 'unsafe'|object has no attribute 'unsafe'",
)

_NO_INVERSE_AT_REGISTRATION = _group(
    "REGISTER-INVERSE-APPLIED REGISTER-CALL-ORDER SUBCLASS-TENSOR-ORIGINAL ASSIGN-INVERSE-ERROR",
    "<1.10",
    "torch 1.9 does not call right_inverse on the first registration: the original is the tensor as it was (1.10 "
    "stores right_inverse(tensor))",
    "1.9.1",
    _DOUBLE + "m = nn.Linear(2, 2); w = m.weight.detach().clone(); P.register_parametrization(m, 'weight', Double())\n"
    "print(torch.equal(m.parametrizations.weight.original, w))  # True, not w / 2\n",
    r"the stored original: got|calls made by the first registration: got \[\]|after registration, component \d+: got|"
    r"register_parametrization\(module, .*: got no exception, expected the \w+\(.*\) raised inside",
)

_NO_CHECKS = _group(
    "REGISTER-FORWARD-CHECKED REGISTER-INVERSE-CHECKED REGISTER-EMPTY-LIST STACK-FORWARD-CHECKED "
    "STACK-INVERSE-CHECKED ASSIGN-DTYPE-CHECKED ASSIGN-SHAPE-CHECKED REGISTER-ATOMIC REGISTER-NONE-SLOT "
    "STACK-CHECK-DETAILS REGISTER-FORWARD-ERROR",
    "<1.10",
    "torch 1.9 makes none of the consistency checks: a forward or right_inverse returning a non-tensor, another "
    "dtype or shape, an empty ParametrizationList and an assignment of another dtype are all accepted (1.10 added "
    "the ValueErrors)",
    "1.9.1",
    "class Bad(nn.Module):\n    def forward(self, x): return (x,)\n"
    "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Bad())\n"
    "print(P.is_parametrized(m, 'weight'))  # True: registered, no ValueError\n",
    r"got no exception, expected ValueError|DID NOT RAISE|got RuntimeError\('The size of tensor a|"
    r"register_parametrization\(module, .*: got no exception, expected the \w+\(.*\) raised inside",
)

_FIRST_RELEASE = (
    Divergence(
        "NESTED-REGISTER-REMOVE",
        "torch 1.9: once a parametrization is registered on a ParametrizationList's "
        "original, reading the outer tensor fails (the inner list's ModuleDict is called: NotImplementedError, "
        "'missing the required forward function')",
        on_release("1.9.1") + "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', nn.Identity())\n"
        "plist = m.parametrizations['weight']; P.register_parametrization(plist, 'original', nn.Identity())\n"
        "m.weight  # NotImplementedError\n",
        "<1.10",
        match=r"missing the required \"forward\" function",
    ),
    Divergence(
        "JIT-TRACE-CACHED-REFUSED",
        "torch 1.9 traces a module inside cached() without refusing (1.10 raises "
        "'Cannot trace a model while caching parametrizations.')",
        on_release("1.9.1") + "m = nn.Linear(2, 2, bias=False); P.register_parametrization(m, 'weight', "
        "nn.Identity())\nwith P.cached():\n    traced = torch.jit.trace(m, (torch.ones(2, 2),))\n"
        "print(type(traced).__name__)  # TopLevelTracedModule: no RuntimeError\n",
        "<1.10",
        match=r"torch\.jit\.trace inside cached\(\): got (no exception|RuntimeError\('Cannot insert a Tensor that "
        r"requires grad as a constant)",
    ),
    Divergence(
        "INIT-LAZY",
        "torch 1.9 registers on the uninitialized parameter of a LazyLinear without refusing "
        "(1.10 raises, as the reference does)",
        on_release("1.9.1") + "m = nn.LazyLinear(2); P.register_parametrization(m, 'weight', nn.Identity())\n"
        "print(P.is_parametrized(m, 'weight'))  # True: no RuntimeError\n",
        "<1.10",
        match=r"on the uninitialized \w+ of a LazyLinear: got no exception",
    ),
)

_FIRST_RELEASE_TWINS = (
    Divergence(
        "JIT-TRACE-CACHED-MESSAGE",
        "torch 1.9 traces a module inside cached() without refusing (1.10 raises "
        "'Cannot trace a model while caching parametrizations.')",
        on_release("1.9.1") + "m = nn.Linear(2, 2, bias=False); P.register_parametrization(m, 'weight', "
        "nn.Identity())\nwith P.cached():\n    traced = torch.jit.trace(m, (torch.ones(2, 2),))\n"
        "print(type(traced).__name__)  # TopLevelTracedModule: no RuntimeError\n",
        "<1.10",
        match=r"torch\.jit\.trace inside cached\(\): got (no exception|RuntimeError\('Cannot insert a Tensor "
        r"that requires grad as a constant)",
    ),
    Divergence(
        "INIT-LAZY-ERROR-TYPE",
        "torch 1.9 registers on the uninitialized parameter of a LazyLinear without refusing (1.10 raises RuntimeError)",
        on_release("1.9.1") + "m = nn.LazyLinear(2); P.register_parametrization(m, 'weight', nn.Identity())\n"
        "print(P.is_parametrized(m, 'weight'))  # True: no RuntimeError\n",
        "<1.10",
        match=r"on the uninitialized \w+ of a LazyLinear: got no exception",
    ),
    Divergence(
        "JIT-SCRIPT-MESSAGE",
        "torch 1.9 to 1.12 refuse torch.jit.script of a parametrized module while "
        "compiling it ('global variables aren't supported' in 1.9, \"Can't redefine method: forward\" from "
        "1.10, after 'getattr's second argument must be a string literal' on the first try), not with the "
        "getter's RuntimeError 'Parametrization is not working with scripting.' (1.13); "
        "JIT-SCRIPT-REFUSED accepts either refusal",
        on_release("1.12.1") + "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', nn.Identity())\n"
        "torch.jit.script(m)  # RuntimeError: Can't redefine method: forward\n",
        "<1.13",
        # Note: TorchScript's compile errors vary from one attempt to the next ("Module 'ParametrizationList'
        # has no attribute 'original'" too); each points into the release's parametrize.py, but for "Can't
        # redefine method: forward on class ...ParametrizationList", which names the class instead.
        match=r"torch\.jit\.script\(module\): got \w+\((.*parametrize\.py.{1,3}, line \d+|.Can't redefine "
        r"method: forward on class:? \S*ParametrizationList)",
    ),
    Divergence(
        "GRAD-HOST-FORWARD",
        "torch 1.9: after an assignment to a parametrized LSTM weight, an in-place change "
        "of the original is not seen by the LSTM's own forward (1.10 on it is)",
        on_release("1.9.1") + "from parametrize_conformance.library import Identity\ntorch.manual_seed(0)\n"
        "m = nn.LSTM(2, 2, bias=False); x = torch.randn(3, 1, 2)\n"
        "P.register_parametrization(m, 'weight_ih_l0', Identity()); m.weight_ih_l0 = torch.randn(8, 2)\n"
        "with torch.no_grad(): m.parametrizations.weight_ih_l0.original.mul_(0.5)\n"
        "ref = nn.LSTM(2, 2, bias=False)\nwith torch.no_grad():\n"
        "    ref.weight_ih_l0.copy_(m.weight_ih_l0); ref.weight_hh_l0.copy_(m.weight_hh_l0)\n"
        "print(torch.allclose(m(x)[0], ref(x)[0]))  # False\n",
        "<1.10",
        match=r"the host's own forward after the originals were halved in place",
    ),
)

_DIST_HEAD = (
    "import torch.distributed as dist\nfrom torch.distributed.tensor import distribute_tensor, Shard\n"
    "dist.init_process_group('gloo', store=dist.HashStore(), rank=0, world_size=1)\n"
    "mesh = torch.distributed.device_mesh.init_device_mesh('cpu', (1,)); m = nn.Linear(2, 2)\n"
    "w = m.weight.detach().clone(); m.weight = nn.Parameter(distribute_tensor(w, mesh, [Shard(0)]))\n"
)
_DTENSOR = (
    Divergence(
        "DISTRIBUTED-DTENSOR-ORIGINALS",
        "registering on a DTensor parameter fails: the first registration writes "
        "right_inverse's result with set_, which DTensor has no sharding strategy for (torch 1.10 to 2.3; 2.4 "
        "writes it otherwise)",
        on_release("2.3.1") + _DOUBLE + _DIST_HEAD + "try: P.register_parametrization(m, 'weight', Double())\n"
        "except NotImplementedError as e: print(e)  # aten.set_.source_Tensor does not have a sharding strategy\n"
        "dist.destroy_process_group()\n",
        ">=1.10,<2.4",
        match=r"aten\.set_\.source_Tensor does not have a sharding strategy",
    ),
    Divergence(
        "DISTRIBUTED-DTENSOR-ORIGINALS",
        "torch 1.9 stores the DTensor itself as the original (no right_inverse "
        "at the first registration), and assigning a DTensor of another placement fails in copy_'s sharding "
        "propagation on more than one rank",
        on_release("1.9.1") + _DOUBLE + _DIST_HEAD + "P.register_parametrization(m, 'weight', Double())\n"
        "print(torch.equal(m.parametrizations.weight.original.full_tensor(), w))  # True, not w / 2\n"
        "dist.destroy_process_group()\n",
        "<1.10",
        match=r"after registration on a .* DTensor|Sharding propagation failed for aten\.copy_",
    ),
)

_MIXED_DTYPE = _group(
    "MULTI-MIXED-DTYPE REMOVE-MIXED-DTYPE",
    ">=1.10,<2.4",
    "registering a multi-input parametrization whose "
    "right_inverse returns an integer tensor (codes beside a float scale) on a Parameter, even a frozen one, fails: "
    "each output is first wrapped as Parameter(t), which requires grad, and autograd refuses an integer tensor that "
    "(2.4 wraps it with the original's requires_grad)",
    "2.3.1",
    "class Int8Codes(nn.Module):\n    def forward(self, q, s): return q.to(s.dtype) * s\n"
    "    def right_inverse(self, w):\n        s = w.abs().max() / 127\n"
    "        return torch.round(w / s).to(torch.int8), s\n"
    "m = nn.Linear(2, 2); m.weight.requires_grad_(False)\n"
    "P.register_parametrization(m, 'weight', Int8Codes())  # RuntimeError: Only Tensors of floating point ...\n",
    r"Only Tensors of floating point and complex dtype can require gradients",
)

_DEVICE_NOT_CHECKED = (
    Divergence(
        "REGISTER-INVERSE-CHECKED",
        "a first registration whose right_inverse moves the tensor to another "
        "device fails in the tensor's set_() with RuntimeError, not with the documented check's ValueError "
        "(torch 1.10 to 2.9; 2.10 checks the device)",
        on_release("2.9.1") + "class ToMeta(nn.Module):\n    def forward(self, x): return x\n"
        "    def right_inverse(self, x): return x.to('meta')\n"
        "P.register_parametrization(nn.Linear(2, 2), 'weight', ToMeta())  # RuntimeError\n",
        ">=1.10,<2.10",
        match=r"BadInverse\('device'\): got RuntimeError\('Attempted to set the storage of a tensor on device",
    ),
)

_DEVICE_SWAPPED = (
    Divergence(
        "REGISTER-INVERSE-CHECKED",
        "under the swap flag, a first registration whose right_inverse moves the "
        "tensor to another device is accepted silently: swap_tensors moves the original there (torch 2.4 to "
        "2.9; 2.10 checks the device)",
        on_release("2.9.1") + "torch.__future__.set_swap_module_params_on_conversion(True)\n"
        "class ToMeta(nn.Module):\n    def forward(self, x): return x\n"
        "    def right_inverse(self, x): return x.to('meta')\n"
        "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', ToMeta())\n"
        "print(m.parametrizations.weight.original.device)  # meta: accepted, no ValueError\n",
        ">=2.4,<2.10",
        match=r"BadInverse\('device'\): got no exception, expected ValueError",
    ),
)

_UNSAFE_DTYPE = (
    Divergence(
        "UNSAFE-DTYPE-ALLOWED",
        "removing (leave_parametrized=True) an unsafe parametrization whose forward "
        "changes the dtype fails in set_ ('Could not set tensor of type double to a tensor of type float'), "
        "where 2.4 writes the value back; torch 1.10 to 2.3 (from 1.12 in some examples, as below in the others)",
        on_release("1.11.0") + "class ToDouble(nn.Module):\n    def forward(self, x): return x.double()\n"
        "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', ToDouble(), unsafe=True)\n"
        "P.remove_parametrizations(m, 'weight', leave_parametrized=True)  # RuntimeError\n",
        ">=1.10,<2.4",
        raises="RuntimeError",
        match=r"Could not set tensor of type \S+ to a tensor of type",
    ),
    Divergence(
        "UNSAFE-DTYPE-ALLOWED",
        "removing (leave_parametrized=True) an unsafe parametrization whose forward "
        "changes the dtype raises RuntimeError ('... requires set_() to be implemented correctly for the tensor "
        "subclass'), where 2.4 writes the value back; torch 1.12 to 2.3",
        on_release("2.3.1") + "class ToDouble(nn.Module):\n    def forward(self, x): return x.double()\n"
        "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', ToDouble(), unsafe=True)\n"
        "P.remove_parametrizations(m, 'weight', leave_parametrized=True)  # RuntimeError\n",
        ">=1.12,<2.4",
        raises="RuntimeError",
        match=r"requires set_\(\) to be implemented correctly for the tensor subclass",
    ),
)

_NO_DEEPCOPY = _group(
    "COPY-DEEPCOPY-EQUAL COPY-INDEPENDENT",
    "<1.13",
    "copy.deepcopy of a parametrized module raises RuntimeError "
    "('Serialization of parametrized modules is only supported through state_dict()'); torch 1.13 deep-copies it",
    "1.12.1",
    _DOUBLE + "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())\ncopy.deepcopy(m)  # RuntimeError\n",
    _NO_DEEPCOPY_SYMPTOM,
)

_SEQUENCES = (
    Divergence(
        "SEQUENCE-DIFFERENTIAL",
        "copy.deepcopy of a parametrized module raises, where the reference copies it (torch 1.12; 1.13 deep-copies)",
        on_release("1.12.1") + _DOUBLE + "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())\n"
        "copy.deepcopy(m)  # RuntimeError\n",
        ">=1.12,<1.13",
        match=_NO_DEEPCOPY_SYMPTOM,
    ),
    Divergence(
        "SEQUENCE-DIFFERENTIAL",
        "under the swap flag, after a transfer (the target shares the source's "
        "originals) and an assignment inside nested cached(), load_state_dict(assign=True) into the target "
        "leaves the source's values other than the reference's (torch 1.13 to 2.3; 2.4 agrees)",
        "import os\nfrom parametrize_conformance.sequences import Step, replay\n"
        "replay('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], "
        "'torch-2.3.1'), [\n"
        "    Step(\"m0 = HostSpec('linear', n=3, m=3, dtype=torch.float32, seed=4096).build('cpu')\"),\n"
        "    Step(\"P.register_parametrization(m0, 'weight', Weighted(3))\", atomic=True),\n"
        "    Step(\"m2 = P.transfer_parametrizations_and_params(m0, HostSpec('buffers', n=3, m=3, "
        "dtype=torch.float32, seed=5622).build('cpu'))\", refusal=('TRANSFER-ATOMIC', '')),\n"
        "    Step('with P.cached():\\n    a = m2.weight\\n    with P.cached():\\n        b = m2.weight\\n"
        "    m2.weight = a.detach() * 0.5\\n    c = m2.weight\\nd = m2.weight\\nout = (a is b, b is c, c is d, "
        "a, c, d)'),\n"
        "    Step('keys = m2.load_state_dict({k: v.detach().clone() * 0.5 for k, v in m0.state_dict().items()}, "
        "strict=True, assign=True)\\nout = (sorted(keys.missing_keys), sorted(keys.unexpected_keys))'),\n"
        "], swap=True)  # SequenceDivergence\n",
        ">=1.13,<2.4",
        raises="SequenceDivergence",
        match=r"load_state_dict",
    ),
)

# Behaviours of torch's core (Dynamo, FSDP2), found by the installed matrix: they hold for whichever parametrize.py
# runs on that torch (core_releases), and their reproducers need that torch release installed.
_INSTALLED = "import torch, copy\nfrom torch import nn\nimport torch.nn.utils.parametrize as P\n"
_ON_FSDP = (
    "import torch.distributed as dist\nfrom torch.distributed.fsdp import fully_shard\n"
    "dist.init_process_group('gloo', store=dist.HashStore(), rank=0, world_size=1)\n"
)
_CORE = (
    (
        Divergence(
            "COMPILE-FULLGRAPH",
            "Dynamo cannot trace the cached() context manager: a fullgraph compile of a "
            "forward that enters cached() raises Unsupported ('skip function cached in file contextlib.py'); torch "
            "2.4 to 2.6, 2.7 traces it",
            _INSTALLED + _DOUBLE + "class Cached(nn.Module):\n    def __init__(self, m): super().__init__(); "
            "self.m = m\n    def forward(self, x):\n        with P.cached(): return self.m(x)\n"
            "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())\n"
            "torch.compile(Cached(m), backend='eager', fullgraph=True)(torch.ones(1, 2))  # Unsupported\n",
            core_releases="<2.7",
            match=r"skip function cached|Unsupported|calling the fullgraph-compiled module \(around cached\(\)\): got",
        ),
        Divergence(
            "EXPORT-CACHED",
            "a strict torch.export inside cached() fails (Dynamo skips cached(), or "
            "DataDependentOutputException on aten.allclose); torch 2.4 to 2.6, 2.7 exports it",
            _INSTALLED + _SUM2 + "m = nn.Linear(2, 2, bias=False); P.register_parametrization(m, 'weight', Sum2())\n"
            "with P.cached():\n    torch.export.export(m, (torch.ones(1, 2),), strict=True)  # Exception\n",
            core_releases="<2.7",
            match=r"skip function cached|Unsupported|DataDependentOutputException|aten\.allclose",
        ),
        Divergence(
            "COMPILE-SEES-UPDATES",
            "under the swap flag, assigning to a parametrized tensor of a module that "
            "was compiled raises RuntimeError ('Cannot swap t1 because it has weakref associated with it': Dynamo "
            "holds a weak reference to the original, and the assignment swaps it); torch 2.4 to 2.10",
            _INSTALLED + _SUM2 + "torch.__future__.set_swap_module_params_on_conversion(True)\n"
            "m = nn.Linear(2, 2, bias=False); P.register_parametrization(m, 'weight', Sum2())\n"
            "compiled = torch.compile(m, backend='eager'); compiled(torch.ones(1, 2))\n"
            "m.weight = torch.ones(2, 2)  # RuntimeError\n",
            core_releases=">=2.4,<2.11",
            match=r"Cannot swap t1 because it has weakref associated with it",
        ),
    )
    + tuple(
        # Note: COMPILE-REGISTER-INSIDE: seen in the installed matrix on 2.4 to 2.8 and again on 2.11 and 2.12; 2.9, 2.10
        # and 2.13 register it (the same examples, both values of the flag).
        Divergence(
            "COMPILE-REGISTER-INSIDE",
            "under the swap flag, registering a parametrization inside a compiled "
            "function raises RuntimeError ('Cannot swap t1 because it has weakref associated with it': Dynamo holds "
            f"a weak reference to the parameter the registration swaps); torch {span}",
            _INSTALLED + "torch.__future__.set_swap_module_params_on_conversion(True)\n"
            "class Id(nn.Module):\n    def forward(self, x): return x\n    def right_inverse(self, x): return x\n"
            "def step(m, x):\n    P.register_parametrization(m, 'weight', Id())\n    return m(x)\n"
            "torch.compile(step, backend='eager')(nn.Linear(2, 2, bias=False), torch.ones(1, 2))  # RuntimeError\n",
            core_releases=core,
            match=r"Cannot swap t1 because it has weakref associated with it",
        )
        for core, span in (
            (">=2.4,<2.9", "2.4 to 2.8, 2.9 registers it"),
            (">=2.11,<2.13", "2.11 and 2.12, 2.13 registers it"),
        )
    )
    + tuple(
        Divergence(
            clause,
            "fully_shard on CPU tensors fails in torch 2.6's own forward ('Stream' object has no "
            "attribute 'record_event'), even with an Identity parametrization",
            _INSTALLED + _ON_FSDP + "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', nn.Identity())\n"
            "fully_shard(m); m(torch.ones(1, 2))  # AttributeError\n",
            core_releases=">=2.6,<2.7",
            match=r"'Stream' object has no attribute 'record_event'",
        )
        for clause in (
            "DISTRIBUTED-FSDP-STEP",
            "DISTRIBUTED-FSDP-STACK",
            "DISTRIBUTED-CHECKPOINT",
            "DISTRIBUTED-FSDP-REGISTER-AFTER",
            "DISTRIBUTED-FSDP-REMOVE",
        )
    )
    + tuple(
        Divergence(
            clause,
            "fully_shard on CPU (gloo) in torch 2.7 and 2.8 gives every gradient world_size times the "
            "one-process "
            "one (summed over ranks, not averaged), even with an Identity parametrization; shown on 2 ranks by "
            "the suite's reproducer",
            "import torch\nfrom parametrize_conformance.distributed import RankPool\n"
            "from parametrize_conformance.distributed.bodies import fsdp_step\n"
            "from parametrize_conformance.strategies import Case\n"
            "from parametrize_conformance.hosts import HostSpec\nfrom parametrize_conformance.library import *\n"
            "case = Case(host=HostSpec('linear', n=2, m=2, dtype=torch.float32, seed=0, bias=False), "
            "name='weight', chain=(Identity(),), unsafe=False)\n"
            "if __name__ == '__main__':\n    RankPool(2, 'torch', 60).run(fsdp_step, case, 0)  # RankFailure\n",
            core_releases=">=2.7,<2.9",
            raises="RankFailure",
            match=r"grad[^:]*: got",
        )
        for clause in ("DISTRIBUTED-FSDP-STEP", "DISTRIBUTED-FSDP-STACK")
    )
)

# Note: torch 2.4's core iterates the module's dicts as OrderedDicts: a transfer onto itself then fails another way.
_SELF_TRANSFER_2_4 = tuple(
    Divergence(
        clause,
        "on torch 2.4, a transfer of a module onto itself either raises RuntimeError ('OrderedDict "
        "mutated during iteration') with the chain already doubled, or returns without an error, the chain "
        "doubled (2.5 on raise 'dictionary changed size during iteration', as 2.13's TRANSFER-SELF says)",
        _INSTALLED + _DOUBLE + "m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Double())\n"
        "try: P.transfer_parametrizations_and_params(m, m)\n"
        "except RuntimeError as e: print(e)  # OrderedDict mutated during iteration\n"
        "print(len(m.parametrizations.weight))  # 2: the chain doubled\n",
        core_releases=">=2.4,<2.5",
        match=match,
    )
    for clause, match in (
        (
            "TRANSFER-SELF",
            r"onto module itself .*(got RuntimeError\('OrderedDict mutated during iteration'\)|"
            r": got no exception, expected an exception)",
        ),
        (
            "TRANSFER-ERROR-TYPE",
            r"onto module itself: got no exception, expected ValueError|"
            r"OrderedDict mutated during iteration",
        ),
    )
)

TORCH_HISTORY_DIVERGENCES: tuple[Divergence, ...] = (
    _NO_MULTI
    + _NO_UNSAFE
    + _NO_INVERSE_AT_REGISTRATION
    + _NO_CHECKS
    + _FIRST_RELEASE
    + _FIRST_RELEASE_TWINS
    + _DTENSOR
    + _MIXED_DTYPE
    + _DEVICE_NOT_CHECKED
    + _DEVICE_SWAPPED
    + _UNSAFE_DTYPE
    + _NO_DEEPCOPY
    + _SEQUENCES
    + _CORE
    + _SELF_TRANSFER_2_4
)
