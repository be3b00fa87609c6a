"""Clauses torch 2.13 breaks, each with its reason and a reproducer (contract section 17).

Every reproducer is a script of adapters/reproducers/ (read by _scripts.script) that runs as is with torch alone; its
last line shows the divergent behaviour.
"""

from __future__ import annotations

import dataclasses

import torch

from parametrize_conformance.adapters._divergence import Divergence
from parametrize_conformance.adapters._scripts import script
from parametrize_conformance.adapters._torch_history import TORCH_HISTORY_DIVERGENCES

# Note: the history matrix found these of torch 2.13's divergences first in 2.4: 1.10 to 2.3 pass them.
_SINCE_2_4 = ">=2.4"


def _d(
    clause: str,
    reason: str,
    releases: str = "",
    *,
    raises: str = "AssertionError",
    match: str = "",
    core_releases: str = "",
) -> Divergence:
    """A divergence of torch 2.13 whose failure is `raises` (class names, space-separated) with a message matching
    the regular expression `match`, and whose reproducer is the script named after `clause`."""
    # Note: torch 2.13's own reproducers are named after their clause (ASSIGN-NO-GRAD: assign_no_grad.py); those of
    # older releases carry the release they run on (_1_9.py).
    body = script(_file_name(clause))
    return Divergence(clause, reason, body, releases, raises=raises, match=match, core_releases=core_releases)


def _file_name(clause: str) -> str:
    """The reproducer's file name (no .py) for torch 2.13's divergence of `clause`."""
    return clause.lower().replace("-", "_")


TORCH_DIVERGENCES: tuple[Divergence, ...] = (
    _d(
        "ASSIGN-NO-GRAD",
        "under the swap flag, assigning to a buffer whose right_inverse returns its input swaps "
        "the caller's tensor in: the original takes its graph (grad_fn) and the caller's tensor the old value",
        _SINCE_2_4,
        match=r"the buffer original's (requires_grad: got True, expected False|grad_fn after assigning a tensor "
        r"that requires grad: got <)",
    ),
    _d(
        "REGISTER-NOT-A-MODULE",
        "a plain function is refused with AttributeError ('function' object has no attribute 'train'), not TypeError",
        match=r"registering .*: got AttributeError\(.*object has no attribute 'train'",
    ),
    _d(
        "REGISTER-NONE-SLOT",
        "a None slot fails with AttributeError ('NoneType' object has no attribute 'shape'), not ValueError",
        match=r"registering on a None \w+: got AttributeError\(.*'NoneType' object has no attribute 'shape'",
    ),
    _d(
        "REGISTER-RESERVED-NAME",
        "a user attribute named 'parametrizations' is silently replaced; a "
        "non-empty nn.ModuleDict there is taken for torch's own: the list is added to it, the class is not swapped and "
        "the property is written onto the user's class itself (ISOLATION-SHARED-STATE)",
        # Note: REGISTER-RESERVED-NAME: the replaced or extended attribute also shows in the checks that follow the
        # call (the classes, the attribute's object).
        match=r"registering on a module with a 'parametrizations' attribute: got (no exception|TypeError\(.*not "
        r"subscriptable|KeyError\()|after the failing call, the module's \w+ changed: got|module\.parametrizations: "
        r"got object id",
    ),
    _d(
        "ISOLATION-SHARED-STATE",
        "registering on a module whose 'parametrizations' attribute is a non-empty "
        "nn.ModuleDict writes the property onto the module's own class (nn.Linear itself, say) instead of a generated "
        "subclass: every other instance of that class parametrized on another name then fails to read the tensor with "
        "KeyError, and removing a parametrization of it exposes the stray property (found by the suite's class "
        "snapshots: in one run it made ~60 later checks fail)",
        match=r"changed shared state, got: .* was added \(a property\)",
    ),
    _d(
        "REGISTER-ATOMIC",
        "right_inverse's result is written into the tensor before the forward checks run, so a "
        "failed registration still changes the values",
        match=r"the tensor's values after a failed ParametrizationList construction: got|module\.weight after a failed "
        r"registration: got",
    ),
    _d(
        "ASSIGN-SHAPE-CHECKED",
        "assignment resizes the original silently, even on a safe list",
        match=r"assigning a tensor of shape \(.*\): got no exception, expected ValueError|after the failing call, the "
        r"module's values changed: got \[.*'parametrizations\.[\w.]+\.original",
    ),
    _d(
        "ASSIGN-MULTI-ATOMIC",
        "multi-input assignment writes original0 before checking original1",
        ">=1.10",
        # Note: in bfloat16 the written original0 can be within the dtype's tolerance of its old value; the exact
        # snapshot then shows it.
        match=r"original\d+ after the failed assignment: got|the module's values changed: got "
        r"\[.*'parametrizations\.[\w.]+\.original0'",
    ),
    _d(
        "REMOVE-MULTI-KEEPS-KIND",
        "a frozen Parameter under a multi-input parametrization comes back as a buffer",
        match=r"after removing a frozen multi-input parametrization: got 'buffer', expected 'parameter'",
    ),
    _d(
        "REMOVE-KEEPS-ORDER",
        "a register/remove round trip moves the name to the end of _parameters and state_dict",
        match=r"names after a register/remove round trip: got|\(parameter names, buffer names, state_dict "
        r"keys\) after registering on",
    ),
    _d(
        "CACHE-NO-ALIEN",
        "the cache is keyed by id(module): a module created after another was freed, inside one "
        "cached() context, can be served the freed module's value",
        match=r"inside cached\(\) \(its id was module \d+'s, freed earlier in the context\): got",
    ),
    _d(
        "CACHE-REPLACED-ORIGINAL",
        "inside cached(), once module.weight was read, replacing the original by another "
        "tensor object (as load_state_dict(assign=True) and functional_call do) leaves reads serving the value cached "
        "from the replaced one: the cache is keyed by id(module) and name alone, so backward reaches the replaced "
        "tensor and the new one gets no gradient",
        match=r"read inside cached\(\) after original\d* was replaced by another tensor is the value cached "
        r"from the old one",
    ),
    _d(
        "COPY-INDEPENDENT",
        "deepcopies share the generated class, whose properties register/remove edit: removing "
        "on a copy breaks the source's reads of that name (AttributeError), registering on a copy makes the source's "
        "reads of the new name fail (KeyError)",
        match=r"reading \w+\.\w+: got (AttributeError\(.*object has no attribute '\w+'|KeyError\('\w+'\))",
    ),
    _d(
        "TRANSFER-BUFFER",
        "a parametrized buffer missing from the target is created as a Parameter, then the tie "
        "raises TypeError and leaves the target partly parametrized",
        match=r"got TypeError\(cannot assign '[\w.]+' as parameter 'original'",
    ),
    _d(
        "BUFFER-PERSISTENCE-KEPT",
        "a non-persistent buffer becomes persistent once parametrized, and stays so after removal",
        match=r"state_dict keys holding the non-persistent buffer '\w+' while parametrized: got \['parametrizations\.|"
        r"'\w+' is in state_dict\(\) after removal, expected it to stay non-persistent",
    ),
    _d(
        "TRANSFER-ATOMIC",
        "a transfer failing on a later name leaves the target partly parametrized",
        match=r"onto a target whose \w+ is None",
    ),
    _d(
        "TRANSFER-SELF",
        "a transfer from a module to itself stacks the chain onto itself while iterating it, then "
        "raises RuntimeError 'dictionary changed size during iteration', leaving the chain doubled",
        match=r"onto module itself .*got RuntimeError\('dictionary changed size during iteration'\)",
    ),
    _d(
        "TRANSFER-ERROR-TYPE",
        "a failing transfer raises what fails inside it, never ValueError: AttributeError "
        "('NoneType' object has no attribute 'shape') for a target whose slot is None, RuntimeError ('dictionary "
        "changed size during iteration') for a module transferred onto itself",
        match=r"got (AttributeError|RuntimeError)\(.*\), expected ValueError",
    ),
    _d(
        "REGISTER-SWAP-WEAKREF",
        "under the swap flag, registering a parametrization whose right_inverse returns one "
        "tensor on a weight of nn.RNN, nn.LSTM or nn.GRU raises RuntimeError: these modules keep weak references to "
        "their weights (_flat_weight_refs), and swap_tensors refuses a tensor that has them (nn.RNNBase._apply clears "
        "them before it swaps; the registration does not); the module is left unchanged",
        _SINCE_2_4,
        raises="RuntimeError",
        match=r"Cannot swap t1 because it has weakref associated with it",
    ),
    _d(
        "REGISTER-FORWARD-ERROR",
        "an AttributeError raised inside a parametrization's forward while the tensor is "
        "computed (a read, in or out of cached(), a stack's check, a removal with leave_parametrized=True) is hidden: "
        "Python answers the property's AttributeError by calling nn.Module.__getattr__, whose \"'ParametrizedLinear' "
        "object has no attribute 'weight'\" replaces it (pytorch/pytorch#58488)",
        match=r"got AttributeError\(\"'Parametrized\w+' object has no attribute '[\w.]+'\"\), expected the "
        r"AttributeError\(.*\) raised inside the parametrization",
    ),
    _d(
        "MULTI-MIXED-DTYPE-TRAINABLE",
        "a multi-input right_inverse that returns an integer tensor (quantization codes "
        "beside a float scale) cannot be registered on a trainable Parameter: each output is wrapped as "
        "Parameter(t, original.requires_grad), and autograd refuses requires_grad on an integer tensor",
        match=r"on a trainable Parameter: got RuntimeError\(Only Tensors of floating point and complex dtype can "
        r"require gradients\), expected it to register",
    ),
    _d(
        "GRAD-LIVE-GRAPH",
        "under the swap flag, registering on a Parameter that a live graph holds breaks: frozen, "
        "it fails inside torch.utils.swap_tensors ('It is not possible to get the gradient edge for a Tensor that does "
        "not require gradients'); with a right_inverse returning its input, the next backward through the new value "
        "raises 'Trying to execute AccumulateGrad node that was poisoned by swap_tensors'",
        _SINCE_2_4,
        raises="RuntimeError",
        match=r"poisoned by swap_tensors|not possible to get the gradient edge for a Tensor that does not "
        r"require gradients",
    ),
    _d(
        "REMOVE-VIEW-VALUE",
        "under the swap flag, removing with leave_parametrized=True when the value is a view of "
        "the original, or registering a right_inverse that returns a view of its input, fails: swap_tensors refuses "
        "the original the view references ('Expected use_count of t1 to be 1 or 2 ...', or for a frozen one 'not "
        "possible to get the gradient edge'; on removal re-raised as the tensor-subclass RuntimeError)",
        _SINCE_2_4,
        raises="RuntimeError",
        match=r"requires set_\(\) to be implemented correctly for the tensor subclass|not possible to get "
        r"the gradient edge|Expected use_count of t1",
    ),
    _d(
        "NESTED-ASSIGN",
        "assigning to a tensor whose original is itself parametrized raises KeyError '1' "
        "(the list's reversed() meets the nested 'parametrizations' child)",
        raises="KeyError",
        match=r"^'\d+'$",
    ),
    # compile
    _d(
        "COMPILE-PER-LAYER-GRAPHS",
        "every parametrized instance gets a Parametrized<Cls> class of its own, so in a "
        "forward of the user's that reads the parametrized tensor Dynamo's guard ___check_type_id(self) fails for each "
        "new layer: identical layers compiled one by one need a graph each, and from the 9th on hit "
        "config.recompile_limit and run eager (torch.nn's own forwards, Linear's, are not guarded so and need one)",
        match=r"compiled one by one hit Dynamo's recompile limit",
        core_releases=">=2.5",
    ),
    # export
    # functional
    _d(
        "FUNCTIONAL-CACHED",
        "inside cached(), once module.weight was read, functional_call with the originals' keys "
        "serves the value cached from the module's own original: the output ignores the tensors passed and no "
        "gradient reaches them (the cache is keyed by id(module) and name alone, never by the original objects)",
        match=r"the gradient of passed original \d+ after backward through functional_call inside cached\(\) "
        r"is None|functional_call's output inside cached\(\), after module\.\w+ was read: got",
    ),
    # jit
    # init
    _d(
        "INIT-ASSIGN-LOAD",
        "inside cached(), once module.weight was read, load_state_dict(assign=True) replaces the "
        "original by the loaded tensor but reads keep serving the value cached from the replaced one (and backward "
        "through it reaches the replaced tensor, not the module's): the cache is keyed by id(module) and name alone",
        match=r"read after load_state_dict\(assign=True\) inside cached\(\), after a read of module\.\w+: "
        r"got",
    ),
    # convert
    # threads
    _d(
        "THREADS-CACHE-LOCAL",
        "cached() is global state (one dict and one counter for the whole process): while one "
        "thread holds a cached() context open, every other thread's reads are cached too, outside any cached(): two "
        "reads return one object, an in-place update of the original is not seen, and a second backward through a new "
        "read fails with 'Trying to backward through the graph a second time'",
        match=r"two reads of module\.\w+ in a thread outside cached\(\) while another thread holds one open "
        r"returned one object",
    ),
    _d(
        "THREADS-OWN-CACHE",
        "two threads inside their own cached() share one cache: the second thread is served the "
        "value the first computed (the chain runs once for both), so when both backward through their value the "
        "second fails with 'Trying to backward through the graph a second time' (or, when that backward passes, the "
        "second thread is seen to run no forward)",
        match=r"(backward through its cached module\.\w+, after thread a's: got RuntimeError\(Trying to backward "
        r"through the graph a second time|forward calls made by thread b for \d+ reads inside its cached\(\): "
        r"got 0, expected)",
    ),
    # subclass
    _d(
        "SUBCLASS-GENERATED-CLASS",
        "once the generated class is subclassed (fully_shard's module.__class__ = "
        "type('FSDP' + cls.__name__, (FSDPModule, cls), ...)), removing a name parametrized before that fails: "
        "remove_parametrizations deletes the property from type(module), which does not hold it (the generated class "
        "does), and raises AttributeError; the name stays parametrized",
        match=r"after the subclassing: got AttributeError\(type object '\w+' has no attribute '\w+'\)",
    ),
    # Note: DISTRIBUTED-*: each reproducer starts a one-rank gloo group in-process (a HashStore: no network) and
    # ends it; one rank shows each of these, the suite's clauses run them on 2 and 4.
    _d(
        "DISTRIBUTED-FSDP-TYPE-BEFORE",
        "after fully_shard, type_before_parametrizations answers FSDPModule (the "
        "first base of fully_shard's class, a mixin that is not even an nn.Module), not the class the module had "
        "before its first registration",
        raises="RankFailure",
        match=r"type_before_parametrizations of a fully_shard module: got <class 'torch\.distributed\.fsdp\.FSDPModule'>",
    ),
    _d(
        "DISTRIBUTED-FSDP-REMOVE",
        "remove_parametrizations after fully_shard fails with AttributeError (type object "
        "'FSDPParametrizedLinear' has no attribute 'weight'), and with leave_parametrized=True only after writing the "
        "parametrized value into the original: the module now reads the chain applied twice",
        _SINCE_2_4,
        raises="RankFailure",
        match=r"after remove_parametrizations\(module, '\w+', leave_parametrized=(True|False)\) after fully_shard "
        r"raised AttributeError\(type object '\w+' has no attribute '\w+'\)",
    ),
    _d(
        "DISTRIBUTED-FSDP-REGISTER-AFTER",
        "registering on a parameter after fully_shard succeeds, and the module's "
        "first forward then fails (RuntimeError: got mixed torch.Tensor and DTensor): fully_shard keeps writing the "
        "unsharded parameter under its old name",
        _SINCE_2_4,
        raises="RankFailure",
        match=r"raised in fsdp_register_after: RuntimeError: .*got mixed torch\.Tensor and DTensor",
    ),
    _d(
        "DISTRIBUTED-DTENSOR-ORIGINALS",
        "assigning a DTensor of another placement to a DTensor-parametrized tensor "
        "gives the original the assigned value's placements (set_ takes them), instead of keeping its own layout",
        raises="RankFailure",
        match=r"the original after assigning a .* DTensor: got DTensor \(.*\), expected a DTensor with placements",
    ),
)


def _also_in_first_release(divergence: Divergence) -> Divergence:
    """The same divergence in torch 1.9, with its reproducer run on 1.9.1's parametrize.py."""
    name = f"{_file_name(divergence.clause)}_1_9"
    return dataclasses.replace(divergence, releases="<1.10", reproducer=script(name))


# Note: TORCH_DIVERGENCES holds every release's; torch_divergences(version=...) picks those of one release.
TORCH_DIVERGENCES = (
    TORCH_DIVERGENCES
    + TORCH_HISTORY_DIVERGENCES
    + tuple(_also_in_first_release(d) for d in TORCH_DIVERGENCES if d.clause == "DISTRIBUTED-FSDP-REGISTER-AFTER")
)

# Note: none on CUDA beyond the CPU ones. torch's parametrize.py has no device-dependent branch: the first
# registration compares original.device with right_inverse's, assignment writes with set_ or
# swap_tensors whatever the device, and nn.Module._apply keeps Parameter objects across .to(device) (set_data for
# CPU<->CUDA dense tensors, swap_tensors under the swap flag). A clause found failing on a GPU is added here, with
# its reproducer, once it is understood.
TORCH_CUDA_DIVERGENCES: tuple[Divergence, ...] = ()


def torch_divergences(device: object = "cpu", version: str | None = None) -> tuple[Divergence, ...]:
    """The clauses torch `version` (default: the installed torch's) breaks, with reasons and reproducers, for an
    adapter on `device` ('cpu', 'cuda', 'cuda:1'): what to declare for an implementation that wraps or forks
    torch.nn.utils.parametrize."""
    # Note: str() also takes a torch.device; whether the device is valid is the Adapter's check, not this one's.
    every = TORCH_DIVERGENCES + (TORCH_CUDA_DIVERGENCES if str(device).split(":")[0] == "cuda" else ())
    release = version or torch.__version__
    return tuple(d for d in every if d.applies_to(release))
