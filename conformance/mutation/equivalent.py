"""The triage table: surviving mutants of the reference that no conformance check can kill, each with the reason; and
those only a clause that mutation runs must deselect kills (KILLED_WHEN_PLANTED_*).

Keyed by file, function, and the original and mutated line(s) exactly as `mutmut show` prints them (stripped; several
lines joined by newlines), never by the tool's mutant number, so an entry outlives renumbering. A mutant that survives
and is not listed here is untriaged: kill it with a check in the clause test that owns the behaviour, or list it here
with the reason no check can tell it from the reference.
"""

# ruff: noqa: E501
# Note: the keys quote source lines as they are, however long.

from __future__ import annotations

from parametrize_conformance.mutation._triage import Equivalent

ZIP = (
    "strict= only refuses sequences of different lengths, and both sides are built with the same length here (the "
    "list's own names and candidates/pairs of ntensors elements, the length checked just above, or _STATE and the "
    "state _save built from it)"
)
INDEX = (
    "the element index only appears in the message for a non-tensor element, and this path has already refused "
    "a non-tensor (or, in _candidates, the index only names the element in a message)"
)
MESSAGE = (
    "error-message text only: the same exception type is raised either way, and the contract pins exception "
    "types and a few phrases, never this text"
)
MEMO = (
    "copy.deepcopy looks an object up in memo before it calls __deepcopy__, so this early return is never reached "
    "through copy.deepcopy"
)
PLAIN_LIST = (
    "a plain ParametrizationList is never itself parametrized (parametrizing it gives it a generated "
    "class), so the type test adds nothing to is_parametrized(self)"
)
SAME_PATH = (
    "module(*args) and the forward shortcut compute the same value when nothing hooks the call; the mutant "
    "only always takes the slower path"
)
FAST_PATH = (
    "READ-FAST shortcut for a plain list, whose originals are always in _parameters or _buffers: every "
    "variant falls back to getattr on the list or the dict holding the key, which give the very same tensor "
    "(only speed differs)"
)
MODULE_NAME = (
    "type() sets __module__ from the calling module's __name__ when the namespace lacks it, and that is the same module name"
)
FORGET = (
    "remove_parametrizations and a first registration each forget the entry, and an entry can only outlive "
    "its parametrization through a removal (a failed transfer puts the whole cache back), so a removed "
    "tensor is read through the cache again only after both have run: either one alone keeps every read right"
)
NTENSORS = "ntensors is only read for a multi-input list (is_tensor False); this branch is the single-tensor one"

CAST = "typing.cast returns its second argument whatever the first one is: the type is for the type checker alone"
# Note: not equivalent: killed, but only by a clause that mutation runs deselect (mutmut's trampolines read a
# ContextVar, which Dynamo cannot trace); each was planted by hand and its clause failed. Listed, not counted as killed.
KILLED_WHEN_PLANTED_FULLGRAPH = (
    "killed by COMPILE-FULLGRAPH (planted by hand: after compiled code entered and left cached(), an eager cached() "
    "served two objects), a clause mutation runs deselect"
)
KILLED_WHEN_PLANTED_PER_LAYER = (
    "killed by COMPILE-PER-LAYER-GRAPHS (planted by hand: a generated class per module made Dynamo recompile past its "
    "limit), a clause mutation runs deselect"
)
SECOND_GUARD = (
    "the first argument becomes the message string, which is not None, so this guard lets a None slot through; the "
    "ParametrizationList built next refuses the None original with the same ValueError before anything changes"
)
ERROR_TYPE_FREE = (
    "only the type of this refusal differs (a KeyError from formatting the message instead of RuntimeError): "
    "REMOVE-UNSAFE-DTYPE asks for an error that changes nothing, and no doc fixes its type; the refusal still "
    "comes before any change"
)
COMPILED_FLAG = (
    "inside compiled code the flag only decides whether the traced reads go through the cache: Dynamo traces them "
    "into a graph computing the same value either way, and the count is back to zero once the context exits "
    "(COMPILE-FULLGRAPH checks eager caching after it); only the graph's size differs"
)
FAST_FLAG = (
    "_any_open only lets a read skip the thread-local lookup while no cached() is open anywhere: a flag left True "
    "when none is open sends the read to that lookup, which finds no entries and computes (only speed differs)"
)
RESTORE_NOOP = (
    "a failed transfer adds and drops no cache entry (its registrations read a parametrized name through the entry "
    "cached before them, if any, and store none), so the cache it would put back is the one it finds"
)
CLASS_ITSELF = (
    "class_before gives a class without a generated class itself, which for a module that is not parametrized is "
    "type(module): both branches give the same class"
)
DESCRIPTORS = (
    "a class made from a generated class derives from nn.Module, whose instances already have __dict__ and "
    "__weakref__, so type() gave it no descriptors of its own by those names: there is nothing to leave out"
)
HOLDS_MODULE = (
    "an Entry holds its module, so no other module can take its id while the entry lives: the entry found under "
    "(id(module), name) always has entry[0] is module"
)
HOLDS_FAST = (
    "the single-original shortcut only spares the general comparison after it, which gives the same answer "
    "(only speed differs)"
)
GETATTR_PAIR = (
    "the error a read records is taken by the __getattr__ call Python makes at once for the same module and name, "
    "so a recorded error for the same module and another name never meets __getattr__"
)
NO_GRAD_INVERSE = (
    "right_inverse runs under torch.no_grad(), so the tensors it returns have no graph: detaching them changes nothing"
)
DETACHED_VALUE = "the value is detached on this line already (.detach()): detaching it again changes nothing"
SAME_KIND = (
    "every original of a multi-input list is made of the kind of the one tensor it replaced (_as_original), so "
    "original1 is of original0's kind"
)

EQUIVALENT: tuple[Equivalent, ...] = (
    Equivalent("reference/_class.py", "_deepcopy", "if id(self) in memo:", "if id(None) in memo:", MEMO),
    Equivalent(
        "reference/_class.py",
        "_deepcopy",
        "return cast(Module, memo[id(self)])",
        "return cast(Module, memo[id(None)])",
        MEMO,
    ),
    Equivalent(
        "reference/_class.py",
        "_new_class",
        'namespace = {"__module__": __name__, "__getstate__": _refuse_getstate}',
        'namespace = {"XX__module__XX": __name__, "__getstate__": _refuse_getstate}',
        MODULE_NAME,
    ),
    Equivalent(
        "reference/_class.py",
        "_new_class",
        'namespace = {"__module__": __name__, "__getstate__": _refuse_getstate}',
        'namespace = {"__MODULE__": __name__, "__getstate__": _refuse_getstate}',
        MODULE_NAME,
    ),
    Equivalent(
        "reference/_fast.py",
        "call",
        "or module._compiled_call_impl is not None",
        "or module._compiled_call_impl is None",
        SAME_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        'if plist.is_tensor and "original" in parameters:',
        'if plist.is_tensor and "ORIGINAL" in parameters:',
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        'if plist.is_tensor and "original" in parameters:',
        'if plist.is_tensor and "XXoriginalXX" in parameters:',
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if (key in parameters) and False else buffers[key] if key in buffers else getattr(plist, key)",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if key in parameters else buffers[key] if (key in buffers) and False else getattr(plist, key)",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if key in parameters else buffers[key] if (key in buffers) or True else getattr(plist, key)",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(None, key)",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(key)",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, )",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, None)",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_fast.py",
        "own_originals",
        "parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)",
        "parameters[key] if key in parameters else buffers[key] if key not in buffers else getattr(plist, key)",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._candidates",
        "return tuple(_as_original(original, t, i) for i, t in enumerate(new))",
        "return tuple(_as_original(original, t, None) for i, t in enumerate(new))",
        INDEX,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        "for key, t in zip(self._original_names(), candidates, strict=True):",
        "for key, t in zip(self._original_names(), candidates, ):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        "for key, t in zip(self._original_names(), candidates, strict=True):",
        "for key, t in zip(self._original_names(), candidates, strict=False):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        "for key, t in zip(self._original_names(), candidates, strict=True):",
        "for key, t in zip(self._original_names(), candidates, strict=None):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        "set_plain(self, is_tensor=isinstance(new, Tensor), ntensors=1 if isinstance(new, Tensor) else len(new))",
        "set_plain(self, is_tensor=isinstance(new, Tensor), ntensors=1 if (isinstance(new, Tensor)) and False else len(new))",
        NTENSORS,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        "set_plain(self, is_tensor=isinstance(new, Tensor), ntensors=1 if isinstance(new, Tensor) else len(new))",
        "set_plain(self, is_tensor=isinstance(new, Tensor), ntensors=2 if isinstance(new, Tensor) else len(new))",
        NTENSORS,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        "for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, strict=True)):",
        "for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, )):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        "for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, strict=True)):",
        "for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, strict=False)):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        "for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, strict=True)):",
        "for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, strict=None)):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        "pairs = list(zip(self._originals(), value, strict=True))",
        "pairs = list(zip(self._originals(), value, ))",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        "pairs = list(zip(self._originals(), value, strict=True))",
        "pairs = list(zip(self._originals(), value, strict=False))",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        "pairs = list(zip(self._originals(), value, strict=True))",
        "pairs = list(zip(self._originals(), value, strict=None))",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        'self._check_element(0, "original", dest, value, "The tensor returned by `right_inverse`")',
        'self._check_element(0, "original", dest, value, "THE TENSOR RETURNED BY `RIGHT_INVERSE`")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        'self._check_element(0, "original", dest, value, "The tensor returned by `right_inverse`")',
        'self._check_element(0, "original", dest, value, "XXThe tensor returned by `right_inverse`XX")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        'self._check_element(0, "original", dest, value, "The tensor returned by `right_inverse`")',
        'self._check_element(0, "original", dest, value, "the tensor returned by `right_inverse`")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        'self._check_element(0, "original", dest, value, "The tensor returned by `right_inverse`")',
        'self._check_element(0, "original", dest, value, None)',
        MESSAGE,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        'self._check_element(0, "original", dest, value, "The tensor returned by `right_inverse`")',
        'self._check_element(1, "original", dest, value, "The tensor returned by `right_inverse`")',
        INDEX,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._checked_pairs",
        'self._check_element(0, "original", dest, value, "The tensor returned by `right_inverse`")',
        'self._check_element(None, "original", dest, value, "The tensor returned by `right_inverse`")',
        INDEX,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._originals",
        "if type(self) is ParametrizationList:",
        "if type(None) is ParametrizationList:",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._originals",
        "if type(self) is ParametrizationList:",
        "if type(self) is not ParametrizationList:",
        FAST_PATH,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.right_inverse",
        "for key, (dest, src) in zip(self._original_names(), pairs, strict=True):",
        "for key, (dest, src) in zip(self._original_names(), pairs, ):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.right_inverse",
        "for key, (dest, src) in zip(self._original_names(), pairs, strict=True):",
        "for key, (dest, src) in zip(self._original_names(), pairs, strict=False):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.right_inverse",
        "for key, (dest, src) in zip(self._original_names(), pairs, strict=True):",
        "for key, (dest, src) in zip(self._original_names(), pairs, strict=None):",
        ZIP,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.right_inverse",
        "nested = type(self) is not ParametrizationList and is_parametrized(self)",
        "nested = type(None) is not ParametrizationList and is_parametrized(self)",
        PLAIN_LIST,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.right_inverse",
        "nested = type(self) is not ParametrizationList and is_parametrized(self)",
        "nested = type(self) is not ParametrizationList or is_parametrized(self)",
        PLAIN_LIST,
    ),
    Equivalent("reference/_register.py", "_first", "_cache.forget(module, name)", "_cache.forget(None, name)", FORGET),
    Equivalent("reference/_register.py", "_first", "_cache.forget(module, name)", "_cache.forget(module, None)", FORGET),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        'for role, obj in (("module", module), ("parametrization", parametrization)):',
        'for role, obj in (("MODULE", module), ("parametrization", parametrization)):',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        'for role, obj in (("module", module), ("parametrization", parametrization)):',
        'for role, obj in (("XXmoduleXX", module), ("parametrization", parametrization)):',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        'for role, obj in (("module", module), ("parametrization", parametrization)):',
        'for role, obj in (("module", module), ("PARAMETRIZATION", parametrization)):',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        'for role, obj in (("module", module), ("parametrization", parametrization)):',
        'for role, obj in (("module", module), ("XXparametrizationXX", parametrization)):',
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py", "_restore_single", "if type(original) is Tensor:", "if type(None) is Tensor:", MESSAGE
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "if type(original) is Tensor:",
        "if type(original) is not Tensor:",
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "remove_parametrizations",
        "_cache.forget(module, tensor_name)",
        "_cache.forget(None, tensor_name)",
        FORGET,
    ),
    Equivalent(
        "reference/_remove.py",
        "remove_parametrizations",
        "_cache.forget(module, tensor_name)",
        "_cache.forget(module, None)",
        FORGET,
    ),
    Equivalent(
        "reference/_transfer.py",
        "_restore",
        "for attr, content in zip(_STATE, state, strict=True):",
        "for attr, content in zip(_STATE, state, ):",
        ZIP,
    ),
    Equivalent(
        "reference/_transfer.py",
        "_restore",
        "for attr, content in zip(_STATE, state, strict=True):",
        "for attr, content in zip(_STATE, state, strict=False):",
        ZIP,
    ),
    Equivalent(
        "reference/_transfer.py",
        "_restore",
        "for attr, content in zip(_STATE, state, strict=True):",
        "for attr, content in zip(_STATE, state, strict=None):",
        ZIP,
    ),
    Equivalent(
        "reference/_cache.py",
        "_count",
        "_any_open = _open > 0",
        "_any_open = _open >= 0",
        FAST_FLAG,
    ),
    Equivalent(
        "reference/_cache.py",
        "read",
        'entries: dict[tuple[int, str], Entry] | None = getattr(_local, "entries", None) if _any_open else None',
        'entries: dict[tuple[int, str], Entry] | None = getattr(_local, "entries", None) if (_any_open) or True else None',
        FAST_FLAG,
    ),
    Equivalent(
        "reference/_cache.py",
        "restore",
        "entries = _entries()",
        "entries = None",
        RESTORE_NOOP,
    ),
    Equivalent(
        "reference/_class.py",
        "_deepcopy",
        "return cast(Module, memo[id(self)])",
        "return cast(None, memo[id(self)])",
        MEMO,
    ),
    Equivalent(
        "reference/_class.py",
        "_deepcopy",
        "return cast(Module, memo[id(self)])",
        "return cast(Module, None)",
        MEMO,
    ),
    Equivalent(
        "reference/_class.py",
        "_deepcopy",
        "return cast(Module, memo[id(self)])",
        "return cast(memo[id(self)])",
        MEMO,
    ),
    Equivalent(
        "reference/_class.py",
        "_deepcopy",
        "return cast(Module, memo[id(self)])",
        "return cast(Module, )",
        MEMO,
    ),
    Equivalent(
        "reference/_class.py",
        "type_before_parametrizations",
        "return class_before(type(module)) if is_parametrized(module) else type(module)",
        "return class_before(type(module)) if (is_parametrized(module)) or True else type(module)",
        CLASS_ITSELF,
    ),
    Equivalent(
        "reference/_class.py",
        "with_generated",
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}',
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("XX__dict__XX", "__weakref__")}',
        DESCRIPTORS,
    ),
    Equivalent(
        "reference/_class.py",
        "with_generated",
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}',
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("__DICT__", "__weakref__")}',
        DESCRIPTORS,
    ),
    Equivalent(
        "reference/_class.py",
        "with_generated",
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}',
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "XX__weakref__XX")}',
        DESCRIPTORS,
    ),
    Equivalent(
        "reference/_class.py",
        "with_generated",
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}',
        'namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__WEAKREF__")}',
        DESCRIPTORS,
    ),
    Equivalent(
        "reference/_fast.py",
        "holds",
        "return False",
        "return True",
        HOLDS_MODULE,
    ),
    Equivalent(
        "reference/_fast.py",
        "holds",
        'if len(cached) == 1 and plist._parameters.get("original") is cached[0]:',
        'if len(cached) != 1 and plist._parameters.get("original") is cached[0]:',
        HOLDS_FAST,
    ),
    Equivalent(
        "reference/_fast.py",
        "holds",
        'if len(cached) == 1 and plist._parameters.get("original") is cached[0]:',
        'if len(cached) == 2 and plist._parameters.get("original") is cached[0]:',
        HOLDS_FAST,
    ),
    Equivalent(
        "reference/_fast.py",
        "holds",
        'if len(cached) == 1 and plist._parameters.get("original") is cached[0]:',
        "if len(cached) == 1 and plist._parameters.get(None) is cached[0]:",
        HOLDS_FAST,
    ),
    Equivalent(
        "reference/_fast.py",
        "holds",
        'if len(cached) == 1 and plist._parameters.get("original") is cached[0]:',
        'if len(cached) == 1 and plist._parameters.get("XXoriginalXX") is cached[0]:',
        HOLDS_FAST,
    ),
    Equivalent(
        "reference/_fast.py",
        "holds",
        'if len(cached) == 1 and plist._parameters.get("original") is cached[0]:',
        'if len(cached) == 1 and plist._parameters.get("ORIGINAL") is cached[0]:',
        HOLDS_FAST,
    ),
    Equivalent(
        "reference/_fast.py",
        "surfacing_getattr",
        "if last is None or last[0] is not self or last[1] != name:",
        "if last is None or last[0] is not self and last[1] != name:",
        GETATTR_PAIR,
    ),
    Equivalent(
        "reference/_list.py",
        "_as_original",
        "return like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=False)",
        "return like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=None)",
        NO_GRAD_INVERSE,
    ),
    Equivalent(
        "reference/_list.py",
        "_as_original",
        "return like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=False)",
        "return like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), )",
        NO_GRAD_INVERSE,
    ),
    Equivalent(
        "reference/_list.py",
        "_as_original",
        "return like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=False)",
        "return like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=True)",
        NO_GRAD_INVERSE,
    ),
    Equivalent(
        "reference/_list.py",
        "chain_of",
        "return cast(ParametrizationList, chains_of(module)[name])",
        "return cast(None, chains_of(module)[name])",
        CAST,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList._check_element",
        'check_same(("shape",), dest, new, _SHAPE_CHANGED, key=key)',
        'check_same(("shape",), dest, new, _SHAPE_CHANGED, key=None)',
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_multi",
        "return like(plist._originals()[0], value.detach(), value.requires_grad, detach=False)",
        "return like(plist._originals()[0], value.detach(), value.requires_grad, detach=None)",
        DETACHED_VALUE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_multi",
        "return like(plist._originals()[0], value.detach(), value.requires_grad, detach=False)",
        "return like(plist._originals()[0], value.detach(), value.requires_grad, )",
        DETACHED_VALUE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_multi",
        "return like(plist._originals()[0], value.detach(), value.requires_grad, detach=False)",
        "return like(plist._originals()[0], value.detach(), value.requires_grad, detach=True)",
        DETACHED_VALUE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_multi",
        "return like(plist._originals()[0], value.detach(), value.requires_grad, detach=False)",
        "return like(plist._originals()[1], value.detach(), value.requires_grad, detach=False)",
        SAME_KIND,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
        "raise RuntimeError(None)",
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=None, new=value.dtype, old=original.dtype))",
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=None, old=original.dtype))",
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=None))",
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_SUBCLASS_SET) from e",
        "raise RuntimeError(None) from e",
        MESSAGE,
    ),
    Equivalent(
        "reference/_tensors.py",
        "_write",
        "swap_tensors(dest, like(dest, src.detach(), dest.requires_grad, detach=False))",
        "swap_tensors(dest, like(dest, src.detach(), dest.requires_grad, detach=None))",
        DETACHED_VALUE,
    ),
    Equivalent(
        "reference/_tensors.py",
        "_write",
        "swap_tensors(dest, like(dest, src.detach(), dest.requires_grad, detach=False))",
        "swap_tensors(dest, like(dest, src.detach(), dest.requires_grad, ))",
        DETACHED_VALUE,
    ),
    Equivalent(
        "reference/_tensors.py",
        "_write",
        "swap_tensors(dest, like(dest, src.detach(), dest.requires_grad, detach=False))",
        "swap_tensors(dest, like(dest, src.detach(), dest.requires_grad, detach=True))",
        DETACHED_VALUE,
    ),
    Equivalent(
        "reference/_tensors.py",
        "in_layout_of",
        "new, old = cast(Any, src), cast(Any, dest)  # DTensors (the type is never imported here, so not named)",
        "new, old = cast(None, src), cast(Any, dest)  # DTensors (the type is never imported here, so not named)",
        CAST,
    ),
    Equivalent(
        "reference/_tensors.py",
        "in_layout_of",
        "new, old = cast(Any, src), cast(Any, dest)  # DTensors (the type is never imported here, so not named)",
        "new, old = cast(Any, src), cast(None, dest)  # DTensors (the type is never imported here, so not named)",
        CAST,
    ),
    Equivalent(
        "reference/_tensors.py",
        "in_layout_of",
        "return cast(Tensor, new.redistribute(old.device_mesh, old.placements))",
        "return cast(None, new.redistribute(old.device_mesh, old.placements))",
        CAST,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        'require_tensor(original, "ParametrizationList got original=None")',
        "require_tensor(original, None)",
        MESSAGE,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        'require_tensor(original, "ParametrizationList got original=None")',
        'require_tensor(original, "XXParametrizationList got original=NoneXX")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        'require_tensor(original, "ParametrizationList got original=None")',
        'require_tensor(original, "parametrizationlist got original=none")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_list.py",
        "ParametrizationList.__init__",
        'require_tensor(original, "ParametrizationList got original=None")',
        'require_tensor(original, "PARAMETRIZATIONLIST GOT ORIGINAL=NONE")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "_check_first",
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        "require_tensor(tensor, None, f\" Give the module a tensor named '{name}' first.\")",
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "_check_first",
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", None)',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "_check_first",
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        "require_tensor(tensor, f\" Give the module a tensor named '{name}' first.\")",
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "_check_first",
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", )',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "_check_first",
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        'require_tensor(tensor, f"{type(None).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "_check_first",
        'require_tensor(tensor, f"{type(module).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        'require_tensor(f"{type(module).__name__}.{name} is None", f" Give the module a tensor named \'{name}\' first.")',
        SECOND_GUARD,
    ),
    Equivalent(
        "reference/_register.py",
        "_first",
        "first = _check_first(module, name, slots[name])",
        "first = _check_first(module, None, slots[name])",
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "_first",
        "plist = ParametrizationList([parametrization], cast(Tensor, slots[name]), unsafe=unsafe)  # not None: checked",
        "plist = ParametrizationList([parametrization], cast(None, slots[name]), unsafe=unsafe)  # not None: checked",
        CAST,
    ),
    Equivalent(
        "reference/_list.py",
        "chains_of",
        "return cast(ModuleDict, module.parametrizations)",
        "return cast(None, module.parametrizations)",
        CAST,
    ),
    Equivalent(
        "reference/_tensors.py",
        "require_tensor",
        'def require_tensor(value: Tensor | None, where: str, hint: str = "") -> None:',
        'def require_tensor(value: Tensor | None, where: str, hint: str = "XXXX") -> None:',
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
        "raise RuntimeError(_DTYPE_CHANGED.format(new=value.dtype, old=original.dtype))",
        ERROR_TYPE_FREE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, old=original.dtype))",
        ERROR_TYPE_FREE,
    ),
    Equivalent(
        "reference/_remove.py",
        "_restore_single",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
        "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, ))",
        ERROR_TYPE_FREE,
    ),
    Equivalent(
        "reference/_cache.py",
        "_count",
        "_open += step",
        "_open -= step",
        COMPILED_FLAG,
    ),
    Equivalent(
        "reference/_cache.py",
        "_count",
        "_any_open = _open > 0",
        "_any_open = None",
        COMPILED_FLAG,
    ),
    Equivalent(
        "reference/_cache.py",
        "_count",
        "_any_open = _open > 0",
        "_any_open = _open > 1",
        COMPILED_FLAG,
    ),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        'refusal = fully_shard_refusal(module, "register a parametrization") if tensor_name in module._parameters else None',
        "refusal = fully_shard_refusal(module, None) if tensor_name in module._parameters else None",
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        'refusal = fully_shard_refusal(module, "register a parametrization") if tensor_name in module._parameters else None',
        'refusal = fully_shard_refusal(module, "XXregister a parametrizationXX") if tensor_name in module._parameters else None',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        'refusal = fully_shard_refusal(module, "register a parametrization") if tensor_name in module._parameters else None',
        'refusal = fully_shard_refusal(module, "REGISTER A PARAMETRIZATION") if tensor_name in module._parameters else None',
        MESSAGE,
    ),
    Equivalent(
        "reference/_register.py",
        "register_parametrization",
        "raise ValueError(refusal)",
        "raise ValueError(None)",
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "remove_parametrizations",
        'refusal = fully_shard_refusal(module, "remove a parametrization")',
        "refusal = fully_shard_refusal(module, None)",
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "remove_parametrizations",
        'refusal = fully_shard_refusal(module, "remove a parametrization")',
        'refusal = fully_shard_refusal(module, "XXremove a parametrizationXX")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "remove_parametrizations",
        'refusal = fully_shard_refusal(module, "remove a parametrization")',
        'refusal = fully_shard_refusal(module, "REMOVE A PARAMETRIZATION")',
        MESSAGE,
    ),
    Equivalent(
        "reference/_remove.py",
        "remove_parametrizations",
        "raise ValueError(refusal)",
        "raise ValueError(None)",
        MESSAGE,
    ),
    Equivalent(
        "reference/_cache.py",
        "forget",
        "entries = _entries()",
        "entries = None",
        FORGET,
    ),
    Equivalent(
        "reference/_cache.py",
        "forget",
        "entries.pop((id(module), name), None)",
        "entries.pop(None, None)",
        FORGET,
    ),
    Equivalent(
        "reference/_cache.py",
        "forget",
        "entries.pop((id(module), name), None)",
        "entries.pop((id(None), name), None)",
        FORGET,
    ),
    Equivalent(
        "reference/_cache.py",
        "_count",
        "_open += step",
        "_open = step",
        KILLED_WHEN_PLANTED_FULLGRAPH,
    ),
    Equivalent(
        "reference/_class.py",
        "parametrized_class",
        "cls = _classes.get(key)",
        "cls = None",
        KILLED_WHEN_PLANTED_PER_LAYER,
    ),
    Equivalent(
        "reference/_class.py",
        "parametrized_class",
        "cls = _classes.get(key)",
        "cls = _classes.get(None)",
        KILLED_WHEN_PLANTED_PER_LAYER,
    ),
    Equivalent(
        "reference/_class.py",
        "parametrized_class",
        "if cls is None or class_before(cls) is not base:",
        "if cls is None or class_before(cls) is base:",
        KILLED_WHEN_PLANTED_PER_LAYER,
    ),
)
