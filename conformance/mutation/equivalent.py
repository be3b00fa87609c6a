"""The triage table: surviving mutants of the reference that no conformance check can kill, each with the reason.

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
)
