"""Clauses older torch releases break, found by the history matrix (python -m parametrize_conformance.report history):
each with the releases it holds for, its reason and a reproducer that runs on that release's own parametrize.py.

A reproducer is a script of adapters/reproducers/ (read by _scripts.script). It loads the release from the history
command's cache, PARAMETRIZE_CONFORMANCE_TORCH_CACHE (fetch it with
`python -m parametrize_conformance.report history --cache "$PARAMETRIZE_CONFORMANCE_TORCH_CACHE" --releases X`), or, for
a behaviour of torch's core, runs on that torch installed; its last line shows the behaviour.
"""

from __future__ import annotations

from parametrize_conformance.adapters._divergence import Divergence
from parametrize_conformance.adapters._scripts import script


def _group(clauses: str, releases: str, reason: str, name: str, match: str) -> tuple[Divergence, ...]:
    """One divergence per clause of `clauses`, all for one behaviour of `releases` shown by the reproducer `name`,
    whose failures (of any exception type) match `match`."""
    return tuple(Divergence(c, reason, script(name), releases, match=match) for c in clauses.split())


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
    "GRAD-HOST-FORWARD STACK-CHECK-DETAILS JIT-TRACE-CACHED-MESSAGE JIT-SCRIPT-MESSAGE BUFFER-PERSISTENCE-KEPT",
    "<1.10",
    "torch 1.9 has no multi-input parametrizations: a right_inverse returning a sequence is stored as one "
    "'original', and forward gets one tensor; the clause's examples draw such a parametrization (1.10 added them)",
    "multi_originals_1_9",
    _MULTI_SYMPTOMS,
)

_NO_UNSAFE = _group(
    "UNSAFE-SHAPE-ALLOWED UNSAFE-DTYPE-ALLOWED UNSAFE-STICKY UNSAFE-SKIPS-CALLS REMOVE-UNSAFE-SHAPE REMOVE-VIEW-VALUE "
    "ASSIGN-DTYPE-CHECKED REMOVE-UNSAFE-DTYPE",
    "<1.10",
    "torch 1.9's register_parametrization has no unsafe keyword (1.10 added it)",
    "unsafe_shape_allowed_1_9",
    r"unexpected keyword argument 'unsafe'|object has no attribute 'unsafe'",
)

_NO_INVERSE_AT_REGISTRATION = _group(
    "REGISTER-INVERSE-APPLIED REGISTER-CALL-ORDER SUBCLASS-TENSOR-ORIGINAL ASSIGN-INVERSE-ERROR",
    "<1.10",
    "torch 1.9 does not call right_inverse on the first registration: the original is the tensor as it was (1.10 "
    "stores right_inverse(tensor))",
    "register_inverse_applied_1_9",
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
    "register_forward_checked_1_9",
    r"got no exception, expected ValueError|DID NOT RAISE|got RuntimeError\('The size of tensor a|"
    r"register_parametrization\(module, .*: got no exception, expected the \w+\(.*\) raised inside|"
    r"after the failing call, the module's \w+ changed: got",
)

_FIRST_RELEASE = (
    Divergence(
        "NESTED-REGISTER-REMOVE",
        "torch 1.9: once a parametrization is registered on a ParametrizationList's "
        "original, reading the outer tensor fails (the inner list's ModuleDict is called: NotImplementedError, "
        "'missing the required forward function')",
        script("nested_register_remove_1_9"),
        "<1.10",
        match=r"missing the required \"forward\" function",
    ),
    Divergence(
        "JIT-TRACE-CACHED-REFUSED",
        "torch 1.9 traces a module inside cached() without refusing (1.10 raises "
        "'Cannot trace a model while caching parametrizations.')",
        script("jit_trace_cached_refused_1_9"),
        "<1.10",
        match=r"torch\.jit\.trace inside cached\(\): got (no exception|RuntimeError\('Cannot insert a Tensor that "
        r"requires grad as a constant)",
    ),
    Divergence(
        "INIT-LAZY",
        "torch 1.9 registers on the uninitialized parameter of a LazyLinear without refusing "
        "(1.10 raises, as the reference does)",
        script("init_lazy_1_9"),
        "<1.10",
        match=r"on the uninitialized \w+ of a LazyLinear: got no exception",
    ),
)

_FIRST_RELEASE_TWINS = (
    Divergence(
        "JIT-TRACE-CACHED-MESSAGE",
        "torch 1.9 traces a module inside cached() without refusing (1.10 raises "
        "'Cannot trace a model while caching parametrizations.')",
        script("jit_trace_cached_refused_1_9"),
        "<1.10",
        match=r"torch\.jit\.trace inside cached\(\): got (no exception|RuntimeError\('Cannot insert a Tensor "
        r"that requires grad as a constant)",
    ),
    Divergence(
        "INIT-LAZY-ERROR-TYPE",
        "torch 1.9 registers on the uninitialized parameter of a LazyLinear without refusing (1.10 raises RuntimeError)",
        script("init_lazy_1_9"),
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
        script("jit_script_message_1_12"),
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
        script("grad_host_forward_1_9"),
        "<1.10",
        match=r"the host's own forward after the originals were halved in place",
    ),
)

_DTENSOR = (
    Divergence(
        "DISTRIBUTED-DTENSOR-ORIGINALS",
        "registering on a DTensor parameter fails: the first registration writes "
        "right_inverse's result with set_, which DTensor has no sharding strategy for (torch 1.10 to 2.3; 2.4 "
        "writes it otherwise)",
        script("distributed_dtensor_originals_2_3"),
        ">=1.10,<2.4",
        match=r"aten\.set_\.source_Tensor does not have a sharding strategy",
    ),
    Divergence(
        "DISTRIBUTED-DTENSOR-ORIGINALS",
        "torch 1.9 stores the DTensor itself as the original (no right_inverse "
        "at the first registration), and assigning a DTensor of another placement fails in copy_'s sharding "
        "propagation on more than one rank",
        script("distributed_dtensor_originals_1_9"),
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
    "multi_mixed_dtype_2_3",
    r"Only Tensors of floating point and complex dtype can require gradients",
)

_DEVICE_NOT_CHECKED = (
    Divergence(
        "REGISTER-INVERSE-CHECKED",
        "a first registration whose right_inverse moves the tensor to another "
        "device fails in the tensor's set_() with RuntimeError, not with the documented check's ValueError "
        "(torch 1.10 to 2.9; 2.10 checks the device)",
        script("register_inverse_checked_2_9"),
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
        script("register_inverse_checked_2_9_swap"),
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
        script("unsafe_dtype_allowed_1_11"),
        ">=1.10,<2.4",
        raises="RuntimeError",
        match=r"Could not set tensor of type \S+ to a tensor of type",
    ),
    Divergence(
        "UNSAFE-DTYPE-ALLOWED",
        "removing (leave_parametrized=True) an unsafe parametrization whose forward "
        "changes the dtype raises RuntimeError ('... requires set_() to be implemented correctly for the tensor "
        "subclass'), where 2.4 writes the value back; torch 1.12 to 2.3",
        script("unsafe_dtype_allowed_2_3"),
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
    "copy_deepcopy_equal_1_12",
    _NO_DEEPCOPY_SYMPTOM,
)

_SEQUENCES = (
    Divergence(
        "SEQUENCE-DIFFERENTIAL",
        "copy.deepcopy of a parametrized module raises, where the reference copies it (torch 1.12; 1.13 deep-copies)",
        script("copy_deepcopy_equal_1_12"),
        ">=1.12,<1.13",
        match=_NO_DEEPCOPY_SYMPTOM,
    ),
    Divergence(
        "SEQUENCE-DIFFERENTIAL",
        "under the swap flag, after a transfer (the target shares the source's "
        "originals) and an assignment inside nested cached(), load_state_dict(assign=True) into the target "
        "leaves the source's values other than the reference's (torch 1.13 to 2.3; 2.4 agrees)",
        script("sequence_differential_2_3"),
        ">=1.13,<2.4",
        raises="SequenceDivergence",
        match=r"load_state_dict",
    ),
)

# Behaviours of torch's core (Dynamo, FSDP2), found by the installed matrix: they hold for whichever parametrize.py
# runs on that torch (core_releases), and their reproducers need that torch release installed.
_CORE = (
    (
        Divergence(
            "COMPILE-FULLGRAPH",
            "Dynamo cannot trace the cached() context manager: a fullgraph compile of a "
            "forward that enters cached() raises Unsupported ('skip function cached in file contextlib.py'); torch "
            "2.4 to 2.6, 2.7 traces it",
            script("compile_fullgraph_2_4"),
            core_releases="<2.7",
            match=r"skip function cached|Unsupported|calling the fullgraph-compiled module \(around cached\(\)\): got",
        ),
        Divergence(
            "EXPORT-CACHED",
            "a strict torch.export inside cached() fails (Dynamo skips cached(), or "
            "DataDependentOutputException on aten.allclose); torch 2.4 to 2.6, 2.7 exports it",
            script("export_cached_2_4"),
            core_releases="<2.7",
            match=r"skip function cached|Unsupported|DataDependentOutputException|aten\.allclose",
        ),
        Divergence(
            "COMPILE-SEES-UPDATES",
            "under the swap flag, assigning to a parametrized tensor of a module that "
            "was compiled raises RuntimeError ('Cannot swap t1 because it has weakref associated with it': Dynamo "
            "holds a weak reference to the original, and the assignment swaps it); torch 2.4 to 2.10",
            script("compile_sees_updates_2_4"),
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
            script("compile_register_inside_2_4"),
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
            script("distributed_fsdp_step_2_6"),
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
            script("distributed_fsdp_step_2_7"),
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
        script("transfer_self_2_4"),
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
