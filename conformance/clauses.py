"""The clause table: every check of the suite, by stable id, with its area, statement, source and level.

A clause's level is `required` (what torch documents, what its upstream tests pin, and the invariants no program can do
without) or `recommended` (stricter behaviour beyond the documentation that a correct program cannot tell apart from
it); `basis` is the one-line justification of the level.
"""

from __future__ import annotations

from dataclasses import dataclass

# The seven names of torch.nn.utils.parametrize the contract covers (parametrize_conformance.adapters.API_NAMES hands them
# on).
API_NAMES: tuple[str, ...] = (
    "cached",
    "ParametrizationList",
    "register_parametrization",
    "is_parametrized",
    "remove_parametrizations",
    "type_before_parametrizations",
    "transfer_parametrizations_and_params",
)
LEVELS: tuple[str, ...] = ("required", "recommended")


@dataclass(frozen=True)
class Clause:
    """One clause of the contract: `id` names exactly one test function, `test_<id lowercased, - as _>`."""

    id: str
    area: str
    statement: str
    source: str
    level: str = "required"
    basis: str = ""
    needs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"clause {self.id}: level {self.level!r} is not one of {', '.join(LEVELS)}")
        unknown = [n for n in self.needs if n not in API_NAMES]
        if unknown:
            raise ValueError(
                f"clause {self.id}: needs {', '.join(unknown)}, not among the seven API names ({', '.join(API_NAMES)})"
            )

    @property
    def test_name(self) -> str:
        return "test_" + self.id.lower().replace("-", "_")


R, M = "required", "recommended"

# (id, statement, source, level, basis). A source is references joined by "; ": upstream tests by name, torch docs
# pages, GitHub issues, torch 2.13 behaviour of a parametrize.py function (parametrize_conformance.sources resolves each to
# its
# link). The basis cites the documentation of torch.nn.utils.parametrize ('docs'), an upstream test (T<n>: the n-th of
# parametrize_conformance.sources.UPSTREAM_TESTS), or the invariant.
_TABLE: dict[str, list[tuple[str, str, str, str, str]]] = {
    "register": [
        (
            "REGISTER-RETURNS-MODULE",
            "register_parametrization returns the very module it was given.",
            "docs: register_parametrization",
            R,
            "docs: the example binds the module register_parametrization returns (linear_rank_one = ...)",
        ),
        (
            "REGISTER-CLASS-SWAP",
            "The module's class becomes Parametrized<Cls>, a direct subclass of its class.",
            "torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "T1 pins the swapped class and its restoration; every user relies on isinstance(module, Cls)",
        ),
        (
            "REGISTER-ORIGINAL-KEPT",
            "The tensor leaves _parameters/_buffers and becomes parametrizations[name].original: "
            "the same object, of the same kind, with the same requires_grad.",
            "docs: register_parametrization; torch 2.13 behaviour: _register_parameter_or_buffer; "
            "test_parametrization.py::test_register_and_remove_parametrization; "
            "test_parametrization.py::test_register_and_remove_buffer_parametrization",
            R,
            "docs: 'The original tensor will be accessible under module.parametrizations.weight.original'; T1, T3 "
            "keep its id",
        ),
        (
            "REGISTER-VALUE",
            "Reading module.name gives the chain's forward applied to the original.",
            "docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.forward",
            R,
            "docs: 'When accessing module.weight, the module will return the parametrized version "
            "parametrization(module.weight)'",
        ),
        (
            "REGISTER-INVERSE-APPLIED",
            "The first registration stores right_inverse(old value) in the original; a "
            "missing right_inverse or one raising NotImplementedError counts as the identity.",
            "docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__; "
            "test_parametrization.py::test_initialization_parametrization",
            R,
            "docs: right_inverse 'is called on the unparametrized tensor when the first parametrization is "
            "registered'; without it 'the original tensor will be just the unparametrized tensor'",
        ),
        (
            "REGISTER-CALL-ORDER",
            "A first registration calls right_inverse then forward; stacking calls the existing "
            "chain, the new forward, then the new right_inverse.",
            "torch 2.13 behaviour: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__",
            M,
            "the docs say forward and right_inverse are each called once for the checks, not in which order; a "
            "parametrization without side effects cannot tell",
        ),
        (
            "REGISTER-STACK-COMPOSES",
            "A stacked parametrization applies to the previous chain's output, and stacking "
            "never changes the stored originals.",
            "docs: register_parametrization; test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "docs: 'Parametrizations may be concatenated by registering several parametrizations on the same attribute'; T1",
        ),
        (
            "REGISTER-SEVERAL-TENSORS",
            "Several tensors of one module can be parametrized independently; one class swap covers them all.",
            "test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "T1 parametrizes weight and bias of one module at once",
        ),
        (
            "REGISTER-UNKNOWN-NAME",
            "A name that is not a parameter, buffer or parametrized tensor raises ValueError and changes nothing.",
            "docs: register_parametrization; torch 2.13 behaviour: register_parametrization; "
            "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
            R,
            "docs: 'Raises ValueError if the module does not have a parameter or a buffer named tensor_name'; T6",
        ),
        (
            "REGISTER-FORWARD-CHECKED",
            "Without unsafe, a first registration whose forward returns a non-tensor, "
            "another dtype or another shape raises ValueError and changes nothing.",
            "torch 2.13 behaviour: ParametrizationList.__init__; "
            "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
            R,
            "docs: with unsafe=False forward is called 'to perform a number of consistency checks'; T6 pins each ValueError",
        ),
        (
            "REGISTER-INVERSE-CHECKED",
            "A first registration whose right_inverse returns a non-tensor, a sequence "
            "with a non-tensor, another dtype or another device raises ValueError and changes nothing.",
            "torch 2.13 behaviour: ParametrizationList.__init__; "
            "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
            R,
            "docs: the consistency checks of unsafe=False; T6 pins each ValueError (None, dtype, device)",
        ),
        (
            "REGISTER-EMPTY-LIST",
            "ParametrizationList with no modules raises ValueError.",
            "torch 2.13 behaviour: ParametrizationList.__init__",
            M,
            "docs: ParametrizationList 'shall not be instantiated by the user'; its error for no modules is beyond them",
        ),
        (
            "REGISTER-NOT-A-MODULE",
            "A parametrization that is not an nn.Module is refused with TypeError, and nothing changes.",
            "torch 2.13 behaviour: register_parametrization",
            M,
            "the docs type the argument nn.Module; which error a non-Module gets is beyond them",
        ),
        (
            "REGISTER-NONE-SLOT",
            "Parametrizing a None parameter slot raises ValueError, and nothing changes.",
            "torch 2.13 behaviour: register_parametrization",
            M,
            "a None slot is a programming error whose error type the docs do not fix; a clear ValueError is a preference",
        ),
        (
            "REGISTER-RESERVED-NAME",
            "A module that already holds an attribute named 'parametrizations' is refused "
            "with ValueError rather than having it replaced.",
            "docs: register_parametrization; torch 2.13 behaviour: register_parametrization",
            M,
            "the docs reserve the attribute ('this function will add an attribute parametrizations'); refusing a "
            "user's own attribute of that name is beyond them",
        ),
        (
            "REGISTER-ATOMIC",
            "A first registration that fails leaves the tensor's values untouched, not only the module's structure.",
            "torch 2.13 behaviour: ParametrizationList.__init__",
            R,
            "invariant: a failing call loses nothing and half-changes nothing; T6 checks the weight keeps its initial value",
        ),
        (
            "REGISTER-SWAP-WEAKREF",
            "Under either setting of the swap flag, a tensor that its module keeps weak "
            "references to (nn.RNN, nn.LSTM and nn.GRU keep them in _flat_weight_refs) is parametrized and assigned to "
            "like any other: the same original object, holding the right_inverse's value, and the host's own forward "
            "follows.",
            "docs: register_parametrization; docs: torch.__future__; torch 2.13 behaviour: _maybe_set",
            R,
            "docs: register_parametrization takes any parameter or buffer of the module, under either setting of "
            "torch's swap flag (which the torch.__future__ docs give for module conversions)",
        ),
        (
            "REGISTER-HOOKS-FIRE",
            "Reading a parametrized tensor calls each parametrization as a module call: forward "
            "pre-hooks and forward hooks on a parametrization, and global module forward (pre-)hooks, fire on every read; "
            "full backward (pre-)hooks on a parametrization, and global backward (pre-)hooks, fire on backward through "
            "the value.",
            "docs: register_parametrization; torch 2.13 behaviour: _inject_property",
            R,
            "docs: the value is parametrization(module.weight), a module call, and a module call runs that module's "
            "hooks and the global ones",
        ),
        (
            "REGISTER-FORWARD-ERROR",
            "An exception raised inside a parametrization's forward while the tensor is "
            "computed (a read of module.name, in or out of cached(); the check of a registration or of a stack; "
            "remove_parametrizations with leave_parametrized=True) reaches the caller as itself, the very object (so of "
            "its type, with its message), and the module is unchanged.",
            "docs: register_parametrization; torch 2.13 behaviour: _inject_property; pytorch/pytorch#58488; "
            "pytorch/pytorch#72452",
            R,
            "docs: reading module.weight is parametrization(module.weight), a call, whose exception reaches the caller "
            "as itself (neither hidden, as #58488 found an AttributeError, nor wrapped); invariant: a failing call changes "
            "nothing",
        ),
    ],
    "stack": [
        (
            "STACK-FORWARD-CHECKED",
            "Without unsafe, stacking a parametrization whose output is a non-tensor, or has "
            "another dtype or shape, raises ValueError and leaves the list as it was.",
            "torch 2.13 behaviour: register_parametrization; "
            "test_parametrization.py::test_errors_parametrized_tensor_parametrization",
            R,
            "docs: the unsafe=False consistency checks; T7 pins each ValueError and the list's length after it",
        ),
        (
            "STACK-INVERSE-CHECKED",
            "Without unsafe, stacking a parametrization whose right_inverse output is a "
            "non-tensor, or has another dtype or shape, raises ValueError and leaves the list as it was; "
            "NotImplementedError skips the check.",
            "torch 2.13 behaviour: register_parametrization; "
            "test_parametrization.py::test_errors_parametrized_tensor_parametrization",
            R,
            "docs: the unsafe=False consistency checks; T7 pins each ValueError and the list's length after it",
        ),
        (
            "STACK-CHECK-DETAILS",
            "A refused stacking's ValueError says what was wrong in torch's words, naming the "
            "tensor with its dtype or shape (and, for a right_inverse, the dtype or shape it returned).",
            "torch 2.13 behaviour: register_parametrization",
            M,
            "T7 pins each ValueError by a key phrase only; the full sentence, with the tensor's name and values, is a "
            "preference",
        ),
    ],
    "unsafe": [
        (
            "UNSAFE-SHAPE-ALLOWED",
            "With unsafe=True a parametrization may change the tensor's shape.",
            "docs: register_parametrization; test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "docs: unsafe 'denotes whether the parametrization may change the dtype and shape of the tensor'; T1",
        ),
        (
            "UNSAFE-DTYPE-ALLOWED",
            "With unsafe=True a parametrization may change the tensor's dtype.",
            "docs: register_parametrization",
            R,
            "docs: unsafe 'denotes whether the parametrization may change the dtype and shape of the tensor'",
        ),
        (
            "UNSAFE-STICKY",
            "A list's unsafe flag, once set, stays set when safe parametrizations are stacked.",
            "torch 2.13 behaviour: register_parametrization; "
            "test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "T1 pins that unsafe stays set when a safe parametrization is stacked",
        ),
        (
            "UNSAFE-SKIPS-CALLS",
            "With unsafe=True a first registration calls only right_inverse, and stacking calls "
            "neither forward nor right_inverse.",
            "docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__",
            R,
            "docs: 'If unsafe=True, then right_inverse will be called if the tensor is not parametrized, and "
            "nothing will be called otherwise'",
        ),
    ],
    "multi": [
        (
            "MULTI-ORIGINALS",
            "A right_inverse returning a sequence gives original0..N-1: Parameters with the "
            "source's requires_grad if it was a Parameter, buffers otherwise.",
            "docs: register_parametrization; torch 2.13 behaviour: _register_parameter_or_buffer; "
            "test_parametrization.py::test_multiple_inputs_parametrization; "
            "test_parametrization.py::test_register_parametrization_no_grad",
            R,
            "docs: the tensors of a sequence are registered 'as original0, original1, ...'; T8, T19 pin their kind",
        ),
        (
            "MULTI-SINGLE-SEQUENCE",
            "A right_inverse returning a length-1 sequence gives original0, not original.",
            "pytorch/pytorch#58488; test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
            R,
            "T6 pins original0 for a length-1 sequence",
        ),
        (
            "MULTI-VALUE",
            "A multi-input forward receives the originals in order; single-input parametrizations stack on top of it.",
            "torch 2.13 behaviour: ParametrizationList.forward; "
            "test_parametrization.py::test_multiple_inputs_parametrization",
            R,
            "docs: the RankOne example, a forward of several inputs; T8 stacks a one-input one on it",
        ),
        (
            "MULTI-ARITY",
            "A forward whose arity does not match the originals raises TypeError and changes nothing.",
            "torch 2.13 behaviour: ParametrizationList.__init__; "
            "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
            R,
            "T6 pins the TypeError of a wrong arity; invariant: a failing call changes nothing",
        ),
        (
            "MULTI-MIXED-DTYPE",
            "A multi-input right_inverse whose outputs differ in dtype (integer codes beside a "
            "floating scale), on a buffer or a frozen Parameter, gives originals that each keep the dtype right_inverse "
            "gave it through registration, an in-place assignment, a state_dict save and load and a transfer, and "
            "module.name reads as forward applied to them, in the tensor's dtype.",
            "docs: register_parametrization; docs: ParametrizationList; torch 2.13 behaviour: "
            "ParametrizationList.right_inverse; test_parametrization.py::test_register_parametrization_no_grad; "
            "pytorch/pytorch#124888",
            R,
            "docs: right_inverse may return any Sequence[Tensor], registered as original0, original1, ... and stored "
            "there by assignment, with no dtype asked of them; T19 registers a frozen Parameter through one",
        ),
        (
            "MULTI-MIXED-DTYPE-TRAINABLE",
            "On a trainable Parameter, a multi-input right_inverse whose outputs differ in "
            "dtype registers too: every original is a Parameter, the floating ones requiring grad and the integer ones "
            "not (after an assignment too), and backward through module.name reaches the floating ones.",
            "docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__; pytorch/pytorch#124888",
            R,
            "docs: right_inverse may return any Sequence[Tensor], and 'if the original tensor requires a gradient, the "
            "backward pass will differentiate through parametrization'; invariant: only floating tensors can require grad",
        ),
    ],
    "assign": [
        (
            "ASSIGN-ROUND-TRIP",
            "Assigning module.name = X runs the right_inverses in reverse order; reading gives X back for exact inverses.",
            "docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.right_inverse; "
            "test_parametrization.py::test_initialization_parametrization",
            R,
            "docs: 'it is possible to initialize a parametrized tensor by assigning to it', and the example's "
            "allclose(m.weight, A); T5",
        ),
        (
            "ASSIGN-KEEPS-ID",
            "Assignment writes into the original object in place: its id, kind and requires_grad are kept.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse; torch 2.13 behaviour: _maybe_set",
            R,
            "invariant: an optimizer built earlier holds the original Parameter object; replacing it would silently "
            "stop training",
        ),
        (
            "ASSIGN-NO-GRAD",
            "Assignment runs right_inverse under no_grad and keeps no autograd link to the assigned value.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            R,
            "invariant: assigning leaves the caller's tensor as it was, and the original a leaf the optimizer updates",
        ),
        (
            "ASSIGN-NO-INVERSE",
            "Assigning through a parametrization without right_inverse raises an exception and changes nothing.",
            "docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.right_inverse",
            R,
            "docs: assignment works 'if all the parametrizations registered on a tensor implement right_inverse'; "
            "invariant: a refused one changes nothing",
        ),
        (
            "ASSIGN-NO-INVERSE-ERROR",
            "Assigning through a parametrization without right_inverse raises RuntimeError "
            "naming the parametrization and saying it does not implement right_inverse.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            M,
            "the docs say when assignment works, not which error the others get; a RuntimeError that names the "
            "parametrization is a preference",
        ),
        (
            "ASSIGN-NOT-IMPLEMENTED",
            "A right_inverse raising NotImplementedError propagates on assignment.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            R,
            "T5: errors raised by user code in right_inverse propagate",
        ),
        (
            "ASSIGN-DTYPE-CHECKED",
            "An assignment whose right_inverse output has another dtype raises ValueError and changes nothing.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            M,
            "the docs check consistency at registration only; a correct right_inverse keeps the dtype",
        ),
        (
            "ASSIGN-SHAPE-CHECKED",
            "Without unsafe, an assignment whose right_inverse output has another shape raises "
            "ValueError and changes nothing.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            M,
            "the docs check consistency at registration only; a correct program assigns a value of the tensor's shape",
        ),
        (
            "ASSIGN-MULTI",
            "Assignment through a multi-input parametrization writes every original; a sequence of the "
            "wrong length raises an exception and changes nothing.",
            "docs: ParametrizationList; torch 2.13 behaviour: ParametrizationList.right_inverse",
            R,
            "docs: ParametrizationList.right_inverse 'stores the result in self.original0, self.original1, ... if "
            "it outputs several'",
        ),
        (
            "ASSIGN-MULTI-ATOMIC",
            "A multi-input assignment that fails on a later element leaves every original as it was.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            R,
            "invariant: a failing call loses nothing and half-changes nothing",
        ),
        (
            "ASSIGN-MULTI-ERROR-TYPE",
            "A multi-input assignment whose right_inverse returns a sequence of the wrong "
            "length, or a None element, raises ValueError saying so (the expected length, the element's index and "
            "type).",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            M,
            "the docs say where the outputs are stored, not which error a bad output gets; a ValueError that says "
            "what is wrong is a preference",
        ),
        (
            "ASSIGN-PARAMETER-REFUSED",
            "Assigning an nn.Parameter to a parametrized name raises KeyError and changes nothing.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse; torch 2.13 behaviour: _inject_property",
            M,
            "the KeyError is nn.Module.__setattr__'s, beyond the docs of parametrize",
        ),
        (
            "ASSIGN-INVERSE-ERROR",
            "An exception other than NotImplementedError raised inside a parametrization's "
            "right_inverse (on an assignment to module.name, a first registration or a stacked one) reaches the caller as "
            "itself, the very object, and the module is unchanged.",
            "docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.right_inverse; "
            "torch 2.13 behaviour: register_parametrization",
            R,
            "docs: registration and assignment call right_inverse, and a call's exception reaches the caller as itself "
            "(only a missing right_inverse has a documented meaning); invariant: a failing call changes nothing",
        ),
    ],
    "remove": [
        (
            "REMOVE-LEAVE-PARAMETRIZED",
            "remove_parametrizations(leave_parametrized=True) keeps the parametrized value "
            "in the same original object, of the same kind, and returns the module.",
            "docs: remove_parametrizations; test_parametrization.py::test_register_and_remove_parametrization; "
            "pytorch/pytorch#55456",
            R,
            "docs: 'module[tensor_name] will be set to its current output', 'Returns: Module'; T1 keeps the ids",
        ),
        (
            "REMOVE-LEAVE-ORIGINAL",
            "leave_parametrized=False restores the stored original value in the same object.",
            "docs: remove_parametrizations; test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "docs: 'module[tensor_name] will be set to the unparametrised tensor'; T1 pins value, id and class",
        ),
        (
            "REMOVE-RESTORES-CLASS",
            "Removing the last parametrization restores the original class and deletes "
            "'parametrizations'; removing one of several keeps the others working.",
            "torch 2.13 behaviour: remove_parametrizations; "
            "test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "T1 pins the class restored to nn.Linear and the other tensor still parametrized",
        ),
        (
            "REMOVE-NOT-PARAMETRIZED",
            "Removing a name that is not parametrized raises ValueError and changes nothing.",
            "docs: remove_parametrizations; test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
            R,
            "docs: 'Raises ValueError if module[tensor_name] is not parametrized'; T6",
        ),
        (
            "REMOVE-MULTI",
            "A multi-input tensor is removed with leave_parametrized=True as its value; "
            "leave_parametrized=False raises ValueError and changes nothing.",
            "docs: remove_parametrizations; test_parametrization.py::test_multiple_inputs_parametrization",
            R,
            "docs: 'Raises ValueError if leave_parametrized=False and the parametrization depends on several tensors'; T8",
        ),
        (
            "REMOVE-MULTI-KEEPS-KIND",
            "Removing a multi-input parametrization of a Parameter gives back a Parameter, frozen or not.",
            "torch 2.13 behaviour: remove_parametrizations",
            R,
            "T8 pins a Parameter after removal; invariant: a frozen Parameter unfrozen later must still be among "
            "parameters() for its optimizer",
        ),
        (
            "REMOVE-KEEPS-ORDER",
            "A register/remove round trip keeps the order of parameters and of state_dict keys.",
            "torch 2.13 behaviour: remove_parametrizations",
            M,
            "the order of parameters and state_dict keys is beyond the docs; a correct program looks keys up by name",
        ),
        (
            "REMOVE-UNSAFE-SHAPE",
            "Removing a shape-changing unsafe parametrization leaves the new shape in the same object.",
            "docs: remove_parametrizations",
            R,
            "docs: with leave_parametrized=True 'module[tensor_name] will be set to its current output', whatever its shape",
        ),
        (
            "REMOVE-VIEW-VALUE",
            "A parametrization whose value or right_inverse is a view of its input (a flatten, a "
            "transpose) registers, and removes with leave_parametrized=True, under either setting of the swap flag, "
            "frozen or not: the same object holds the value.",
            "docs: remove_parametrizations; torch 2.13 behaviour: _maybe_set; found by SEQUENCE-DIFFERENTIAL",
            R,
            "docs: 'module[tensor_name] will be set to its current output', under either setting of torch's swap flag",
        ),
        (
            "REMOVE-MIXED-DTYPE",
            "Removing a multi-input parametrization whose originals differ in dtype (on a buffer "
            "or a frozen Parameter) with leave_parametrized=True leaves module.name holding the parametrized value in the "
            "tensor's dtype, not an original's; leave_parametrized=False raises ValueError and changes nothing.",
            "docs: remove_parametrizations; torch 2.13 behaviour: remove_parametrizations",
            R,
            "docs: 'module[tensor_name] will be set to its current output'; 'Raises ValueError if "
            "leave_parametrized=False and the parametrization depends on several tensors'",
        ),
    ],
    "cache": [
        (
            "CACHE-SAME-OBJECT",
            "Inside cached(), repeated reads return the same tensor and run the chain once.",
            "docs: cached; test_parametrization.py::test_caching_parametrization",
            R,
            "docs: the value 'is computed and cached the first time' it is required; T9 pins the same object",
        ),
        (
            "CACHE-NESTED",
            "Nested cached() contexts keep the cache until the outermost one exits.",
            "docs: cached; torch 2.13 behaviour: cached",
            R,
            "docs: the values are 'discarded when leaving the context manager', and an inner exit does not leave "
            "the outer context",
        ),
        (
            "CACHE-CLEARED-ON-EXIT",
            "Leaving cached(), even by an exception, clears the cache.",
            "docs: cached; torch 2.13 behaviour: cached",
            R,
            "docs: 'The cached values are discarded when leaving the context manager'",
        ),
        (
            "CACHE-PER-TENSOR",
            "The cache holds one value per module and per tensor name.",
            "docs: cached; test_parametrization.py::test_caching_parametrization_with_transfer_parametrizations_and_params",
            R,
            "T10 pins one cached object per module; docs: the value of each parametrized object",
        ),
        (
            "CACHE-NO-ALIEN",
            "Within one cached() context a module never receives a value computed for another "
            "module, even one freed earlier in the context.",
            "torch 2.13 behaviour: cached",
            R,
            "invariant: a module is never given another module's value",
        ),
        (
            "CACHE-KEPT-IN-CONTEXT",
            "Inside cached(), once a tensor's value is computed, later reads serve that same "
            "object until the outermost context exits, even after an original was changed in place or a parametrization "
            "was stacked; the first read after the exit computes the current value.",
            "docs: cached",
            R,
            "docs: values are computed 'the first time they are required' and 'discarded when leaving the context "
            "manager', not before",
        ),
        (
            "CACHE-REPLACED-ORIGINAL",
            "Inside cached(), a read after an original was replaced by another tensor object "
            "(re-tied, as functional_call and load_state_dict(assign=True) do) computes from the new object, and "
            "gradients reach it.",
            "docs: cached; docs: nn.Module.load_state_dict; docs: torch.func.functional_call",
            R,
            "invariant: no value computed from tensors the module no longer holds (its gradient would miss the "
            "ones it holds)",
        ),
        (
            "CACHE-ASSIGN-DEFERRED",
            "An assignment inside cached() writes the originals at once, reads inside the "
            "context keep serving the value cached before it, and the first read after the exit gives the assigned "
            "value.",
            "docs: cached",
            R,
            "docs: values are computed 'the first time they are required' and 'discarded when leaving the context "
            "manager', not before",
        ),
        (
            "CACHE-GRAD",
            "Gradients flow through a cached value to the original.",
            "docs: cached",
            R,
            "docs: cached() wraps the forward pass 'in training and evaluation', so gradients reach the originals",
        ),
    ],
    "copy": [
        (
            "COPY-DEEPCOPY-EQUAL",
            "copy.deepcopy of a parametrized module gives equal values in distinct objects, "
            "and a working parametrized copy.",
            "torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_deepcopy_after_parametrization; "
            "pytorch/pytorch#69413; pytorch/pytorch#80811",
            R,
            "T13 pins equal, distinct and working deepcopies",
        ),
        (
            "COPY-INDEPENDENT",
            "After a deepcopy, registering or removing parametrizations on either module leaves the "
            "other unchanged and working.",
            "torch 2.13 behaviour: _inject_new_class",
            R,
            "invariant: working on a copy never breaks its source",
        ),
        (
            "COPY-USER-DEEPCOPY",
            "A module class with its own __deepcopy__ keeps using it once parametrized.",
            "torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_deepcopy_after_parametrization",
            R,
            "T13 deep-copies a module with its own __deepcopy__",
        ),
    ],
    "serial": [
        (
            "SERIAL-PICKLE-REFUSED",
            "pickle.dumps and torch.save of a parametrized module raise RuntimeError pointing "
            "to state_dict(), and copy.copy raises too.",
            "torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_serialization_parametrization; "
            "test_parametrization.py::test_weight_norm_pickle",
            R,
            "T4, T27 pin the RuntimeError that points to state_dict",
        ),
        (
            "SERIAL-STATE-DICT-KEYS",
            "state_dict keys are parametrizations.<name>.original[i] plus the "
            "parametrizations' own state under parametrizations.<name>.<index>.",
            "torch 2.13 behaviour: register_parametrization; "
            "test_parametrization.py::test_new_spectral_norm_load_state_dict",
            R,
            "T20 pins the exact key set",
        ),
        (
            "SERIAL-ROUND-TRIP",
            "A state_dict loads into a fresh, identically parametrized module, reproducing its "
            "values and keeping the target's tensor ids.",
            "torch 2.13 behaviour: register_parametrization; test_parametrization.py::test_serialization_parametrization",
            R,
            "T4 pins the state_dict round trip",
        ),
        (
            "SERIAL-STRICT-KEYS",
            "Loading an unparametrized state_dict into a parametrized module fails under strict "
            "mode, naming the missing and unexpected keys.",
            "torch 2.13 behaviour: register_parametrization; "
            "test_parametrization.py::test_new_spectral_norm_load_state_dict",
            R,
            "T20 pins the strict-mode error",
        ),
        (
            "SERIAL-WEIGHTS-ONLY",
            "A saved state_dict loads back with torch.load(weights_only=True).",
            "docs: torch.load",
            R,
            "torch.load's default is weights_only=True (torch 2.6 on): a state_dict it refuses cannot be loaded by default",
        ),
    ],
    "transfer": [
        (
            "TRANSFER-ALL",
            "transfer_parametrizations_and_params moves every parametrized tensor: the target reads "
            "the same values, shares the parametrization modules and ties the originals.",
            "docs: transfer_parametrizations_and_params; test_parametrization.py::test_transfer_parametrizations_and_params",
            R,
            "docs: 'transfers all parametrized parameters'; T14, T15",
        ),
        (
            "TRANSFER-ONE-NAME",
            "With tensor_name, only that tensor is transferred.",
            "docs: transfer_parametrizations_and_params; "
            "test_parametrization.py::test_transfer_parametrizations_and_params_single_param",
            R,
            "docs: 'If tensor_name is specified, only transfers the specified parameter'; T16",
        ),
        (
            "TRANSFER-MISSING-TARGET",
            "A name missing from the target is created there before the transfer.",
            "docs: transfer_parametrizations_and_params; test_parametrization.py::test_transfer_parametrizations_and_params",
            R,
            "docs: 'If those parameters do not exist in to_module, it will create them'; T14",
        ),
        (
            "TRANSFER-MULTI",
            "A multi-input parametrization transfers with every original tied.",
            "docs: transfer_parametrizations_and_params; "
            "test_parametrization.py::test_transfer_parametrizations_and_params_many_to_one",
            R,
            "T17 transfers a multi-input parametrization",
        ),
        (
            "TRANSFER-NOT-PARAMETRIZED",
            "Transferring from an unparametrized module does nothing and returns the target.",
            "docs: transfer_parametrizations_and_params",
            R,
            "docs: 'Does nothing if from_module is not parametrized', 'Returns: to_module'",
        ),
        (
            "TRANSFER-BUFFER",
            "A parametrized buffer transferred to a target lacking it arrives as a buffer.",
            "torch 2.13 behaviour: transfer_parametrizations_and_params",
            M,
            "the docs speak of transferring parameters only; a parametrized buffer arriving as a buffer is beyond them",
        ),
        (
            "TRANSFER-ATOMIC",
            "A transfer that fails (raises any exception) leaves the target and the source exactly as they were.",
            "torch 2.13 behaviour: transfer_parametrizations_and_params",
            R,
            "invariant: a failing call loses nothing and half-changes nothing",
        ),
        (
            "TRANSFER-SELF",
            "Transferring a parametrized module's parametrizations onto itself is refused (it raises "
            "an exception), and nothing changes.",
            "docs: transfer_parametrizations_and_params; found by SEQUENCE-DIFFERENTIAL",
            R,
            "invariant: a failing call half-changes nothing (torch raises and leaves the chain doubled)",
        ),
        (
            "TRANSFER-ERROR-TYPE",
            "A transfer onto a target whose slot for a transferred tensor is None, and a transfer "
            "of a module onto itself, are refused with ValueError.",
            "torch 2.13 behaviour: transfer_parametrizations_and_params; found by SEQUENCE-DIFFERENTIAL",
            M,
            "the docs fix no error for a transfer; ValueError, as for a bad argument of register_parametrization "
            "(REGISTER-NONE-SLOT), is a preference",
        ),
        (
            "TRANSFER-CACHE-SEPARATE",
            "After a transfer, each module caches its own value.",
            "docs: transfer_parametrizations_and_params; "
            "test_parametrization.py::test_caching_parametrization_with_transfer_parametrizations_and_params",
            R,
            "T10 pins separate cached objects after a transfer",
        ),
    ],
    "training": [
        (
            "TRAIN-SYNC-AT-REGISTER",
            "Registration sets the parametrization's training flag from the module.",
            "docs: register_parametrization; test_parametrization.py::test_parametrization_same_training_mode",
            R,
            "docs: 'The training mode of a registered parametrization is updated on registration to match the "
            "training mode of the host module'; T11",
        ),
        (
            "TRAIN-PROPAGATES",
            "module.train()/eval() reach the parametrizations afterwards.",
            "docs: register_parametrization",
            R,
            "docs: parametrizations are submodules (module.parametrizations.weight), and Module.train() sets every "
            "submodule",
        ),
    ],
    "nested": [
        (
            "NESTED-REGISTER-REMOVE",
            "The original inside a ParametrizationList can itself be parametrized, and removal restores each class.",
            "torch 2.13 behaviour: ParametrizationList.forward; pytorch/pytorch#65163; "
            "test_parametrization.py::test_register_and_remove_nested_parametrization",
            R,
            "T2 parametrizes original inside a ParametrizationList and removes it",
        ),
        (
            "NESTED-ASSIGN",
            "Assigning to a tensor whose original is itself parametrized goes through both chains, and "
            "a parametrization stacked afterwards takes effect.",
            "torch 2.13 behaviour: ParametrizationList.right_inverse",
            R,
            "docs: assignment works 'if all the parametrizations registered on a tensor implement right_inverse', "
            "nested ones included",
        ),
    ],
    "buffer": [
        (
            "BUFFER-STAYS-BUFFER",
            "A parametrized buffer stays a buffer: never among parameters(), and a buffer again "
            "after removal, holding the parametrized value.",
            "torch 2.13 behaviour: _register_parameter_or_buffer; "
            "test_parametrization.py::test_register_and_remove_buffer_parametrization",
            R,
            "docs: tensor_name is 'the parameter or buffer'; T3 keeps a buffer a buffer",
        ),
        (
            "BUFFER-PERSISTENCE-KEPT",
            "A non-persistent buffer stays out of state_dict while parametrized and after removal.",
            "torch 2.13 behaviour: _register_parameter_or_buffer",
            M,
            "the docs do not speak of persistence; keeping the user's persistent=False is a preference",
        ),
    ],
    "grad": [
        (
            "GRAD-FLOWS",
            "Backward through a parametrized tensor gives the originals the gradient of the chain.",
            "test_parametrization.py::test_register_and_remove_parametrization; "
            "test_parametrization.py::test_multiple_inputs_parametrization",
            R,
            "docs: 'the backward pass will differentiate through parametrization'; T1, T8",
        ),
        (
            "GRAD-OPTIMIZER-STEP",
            "An optimizer step updates the originals and the parametrized value follows.",
            "test_parametrization.py::test_register_and_remove_parametrization; "
            "test_parametrization.py::test_multiple_inputs_parametrization",
            R,
            "docs: 'the optimizer will update the tensor accordingly'; T1, T8",
        ),
        (
            "GRAD-REQUIRES-GRAD",
            "The parametrized value requires grad exactly when an original does.",
            "torch 2.13 behaviour: ParametrizationList.__init__; pytorch/pytorch#124888; "
            "test_parametrization.py::test_register_parametrization_no_grad",
            R,
            "T19 pins requires_grad=False through to the originals and the value",
        ),
        (
            "GRAD-LIVE-GRAPH",
            "A Parameter that a live autograd graph still holds, frozen or not, is parametrized "
            "like any other under either setting of the swap flag: the same object, reading the chain's value, and "
            "backward through the new value reaches it.",
            "torch 2.13 behaviour: _maybe_set; pytorch/pytorch#127313; found by SEQUENCE-DIFFERENTIAL",
            R,
            "docs: 'the backward pass will differentiate through parametrization', under either setting of torch's "
            "swap flag",
        ),
        (
            "GRAD-HOST-FORWARD",
            "A host whose own forward keeps or flattens its weights (nn.RNN, nn.LSTM and nn.GRU "
            "keep _flat_weights; nn.MultiheadAttention, also on out_proj.weight; nn.Embedding; nn.ConvTranspose1d/2d) "
            "computes with the parametrized value: its output equals torch.func.functional_call of an unparametrized host "
            "with that value in place, after registering, after an assignment, after an in-place change of the "
            "originals, in eval mode under no_grad, and inside cached().",
            "docs: register_parametrization; docs: parametrizations tutorial; docs: torch.func.functional_call",
            R,
            "docs: 'When accessing module.weight, the module will return the parametrized version', and a module's "
            "own forward accesses its tensors by name",
        ),
        (
            "GRAD-HOST-STEP",
            "On such a host, backward through its own forward gives the originals the gradient computed "
            "by hand (functional_call with the chain's value), also after a forward under no_grad, and an optimizer step "
            "moves the originals and the host's forward with them.",
            "docs: register_parametrization; test_parametrization.py::test_register_and_remove_parametrization",
            R,
            "docs: 'the backward pass will differentiate through parametrization'; T1",
        ),
    ],
    "query": [
        (
            "QUERY-IS-PARAMETRIZED",
            "is_parametrized answers per module and per name, before, during and after "
            "parametrization, and is False for a non-ModuleDict 'parametrizations'.",
            "docs: is_parametrized",
            R,
            "docs: is_parametrized's Returns; T1",
        ),
        (
            "QUERY-TYPE-BEFORE",
            "type_before_parametrizations gives the class the module had before any parametrization.",
            "docs: type_before_parametrizations; test_parametrization.py::test_type_before_parametrizations",
            R,
            "docs: 'Return the module type before parametrizations were applied'; T12",
        ),
    ],
    # Note: these need an adapter on an accelerator; a CPU adapter skips them, so they show as untested there.
    "device": [
        (
            "DEVICE-INVERSE-SAME-DEVICE",
            "On the device, a first registration whose right_inverse returns the tensor "
            "on another device (the CPU) raises ValueError and changes nothing, with or without unsafe.",
            "torch 2.13 behaviour: ParametrizationList.__init__",
            R,
            "T6 pins the ValueError of a right_inverse that changes the device",
        ),
        (
            "DEVICE-MOVE-KEEPS-IDS",
            "module.to(device) or .cuda() after registering on the CPU moves the originals and "
            "the parametrizations' own tensors to the device, keeps each original Parameter's id, and reading, backward, "
            "assignment and removal then work there.",
            "docs: nn.Module.to; torch 2.13 behaviour: _maybe_set",
            R,
            "invariant: Module.to() works in place, so an optimizer built earlier keeps its Parameters",
        ),
        (
            "DEVICE-STATE-DICT-MAP-LOCATION",
            "A state_dict saved on the device loads with torch.load(map_location='cpu') "
            "into an identically parametrized CPU module, and back with map_location=device, reproducing the values and "
            "keeping the target's tensor ids and devices.",
            "docs: torch.load",
            R,
            "T4 (the state_dict round trip), across devices as torch.load's map_location documents",
        ),
        (
            "DEVICE-DEEPCOPY",
            "copy.deepcopy of a module parametrized on the device gives a working copy on the device, "
            "in storage of its own; moving the copy to the CPU leaves the source on the device, unchanged.",
            "torch 2.13 behaviour: _inject_new_class",
            R,
            "T13 on the device; invariant: working on a copy never breaks its source",
        ),
        (
            "DEVICE-TRANSFER",
            "transfer_parametrizations_and_params between modules on the device ties the originals "
            "there (creating a missing Parameter on the device), and the target reads the source's values.",
            "docs: transfer_parametrizations_and_params",
            R,
            "docs of transfer_parametrizations_and_params, on the device",
        ),
        (
            "DEVICE-CACHED",
            "Inside cached() on the device, repeated reads return one tensor on the device, equal to "
            "the uncached value, through which gradients reach the originals.",
            "docs: cached",
            R,
            "docs of cached(), on the device; T9",
        ),
        (
            "DEVICE-NO-MEMORY-GROWTH",
            "1000 register/read/assign/remove cycles on a module on the device, reading "
            "inside cached() too, leave torch.cuda.memory_allocated no higher than it was.",
            "torch 2.13 behaviour: remove_parametrizations; torch 2.13 behaviour: cached",
            R,
            "invariant: registering and removing in a loop must not exhaust the device's memory",
        ),
    ],
    # Note: the areas from "compile" to "subclass" check the API where users meet it inside the rest of PyTorch
    # Their clauses are costly (a compile, an export, a thread); their tests draw fewer examples (see
    # profiles.costly).
    "compile": [
        (
            "COMPILE-VALUES",
            "torch.compile of a parametrized model (backends eager and aot_eager; inductor under the "
            "thorough profile, where a compiler is found) gives the eager values, computed by hand, and gradients equal "
            "to eager ones reach the originals.",
            "docs: torch.compile; pytorch/pytorch#120914; pytorch/pytorch#121041",
            R,
            "docs of torch.compile: a compiled module computes what the module computes; invariant: no silent wrong "
            "values or gradients",
        ),
        (
            "COMPILE-FULLGRAPH",
            "torch.compile(fullgraph=True) of a parametrized model compiles in one graph and gives "
            "the eager values, called outside cached(), inside it (and then outside again), and inside a wrapper whose "
            "forward enters cached().",
            "docs: torch.compile; pytorch/pytorch#125771",
            R,
            "invariant: a drop-in may not break what torch compiles in one graph (its own parametrizations, "
            "inside cached() too)",
        ),
        (
            "COMPILE-SEES-UPDATES",
            "Compiled code (swap flag on or off) reads the current value after an in-place "
            "update of the originals and after an assignment module.<name> = value made between calls.",
            "docs: torch.compile",
            R,
            "invariant: a compiled model never serves a value computed from tensors the module no longer holds",
        ),
        (
            "COMPILE-PER-LAYER-GRAPHS",
            "12 identical parametrized layers, each compiled on its own with "
            "module.compile(backend='eager') and called once, need no more graphs than torch.nn.utils.parametrize needs "
            "for them (measured in the same test), and no call hits Dynamo's recompile limit.",
            "docs: torch.compile; pytorch/pytorch#125478",
            R,
            "invariant: no silent fall back to eager (one graph per layer hits config.recompile_limit); torch needs one",
        ),
        (
            "COMPILE-AFTER-CHANGE",
            "module.compile() keeps giving the eager values after a parametrization is stacked "
            "on the compiled module and after remove_parametrizations (leave_parametrized True or False).",
            "docs: nn.Module.compile",
            R,
            "docs of Module.compile: the compiled module stays the module; invariant: no stale or wrong values",
        ),
        (
            "COMPILE-REGISTER-INSIDE",
            "register_parametrization (and remove_parametrizations, leave_parametrized True or "
            "False) called inside a torch.compile'd function (backends eager and aot_eager; swap flag on or off), on a "
            "module passed in or built there, raises nothing, returns the eager values and leaves the module as eager code "
            "leaves it, on the first call and on the next (another module).",
            "docs: torch.compile; pytorch/pytorch#115744",
            R,
            "docs of torch.compile: what Dynamo cannot trace runs as Python (a graph break), so a compiled function "
            "does what it does eagerly; invariant: no crash, no skipped registration",
        ),
    ],
    "export": [
        (
            "EXPORT-PROGRAM",
            "torch.export.export, strict and non-strict, of a parametrized model gives a program whose "
            "state_dict has the parametrized layout (parametrizations.<name>.original..., and each parametrization's own "
            "state under parametrizations.<name>.<i>), the keys and values of module.state_dict(), whose parameters are "
            "the originals of parameters, and whose ep.module() equals eager on the export input and on another.",
            "docs: torch.export; pytorch/pytorch#124524",
            R,
            "docs of torch.export: the program's state_dict holds the module's parameters and buffers by their names",
        ),
        (
            "EXPORT-CACHED",
            "torch.export.export, strict and non-strict, of a parametrized model called inside cached() "
            "(a wrapper whose forward enters cached(), or an export made inside a cached() block) succeeds, keeps the "
            "parametrized state_dict layout and gives the eager output.",
            "docs: torch.export; pytorch/pytorch#167645",
            R,
            "torch exports inside cached(); invariant: caching may not make a model unexportable",
        ),
    ],
    "functional": [
        (
            "FUNCTIONAL-ORIGINALS",
            "torch.func.functional_call with the originals' keys gives the plain host's forward on "
            "the chain applied to the passed tensors, gradients reach them, and the module is unchanged afterwards (its "
            "state, its own value, no gradient on its originals).",
            "docs: torch.func.functional_call",
            R,
            "docs of functional_call: keys '{submodule}.parametrizations.{name}.original' apply the parametrization "
            "to the value passed",
        ),
        (
            "FUNCTIONAL-TRANSFORMS",
            "functional_call with the originals' keys under torch.func.grad (with respect to the "
            "dict of originals) and torch.func.vmap (over a batch of originals) gives the chain's gradients and values, "
            "and leaves the module unchanged.",
            "docs: torch.func.functional_call; docs: torch.func",
            R,
            "docs of torch.func: grad and vmap compose with functional_call",
        ),
        (
            "FUNCTIONAL-CACHED",
            "Inside cached(), after the tensor was read, functional_call with the originals' keys "
            "still computes from the passed tensors, gradients reach them, and a read after the call gives the module's "
            "own value again.",
            "docs: torch.func.functional_call; docs: cached",
            R,
            "docs of functional_call: the call uses the tensors passed; a value cached from other tensors is a wrong value",
        ),
        (
            "FUNCTIONAL-PLAIN-NAME",
            "functional_call with the parametrized name itself ({'weight': W}) does what torch "
            "2.13 does: right_inverse(W) is written into the original in place under no_grad, the call computes "
            "chain(right_inverse(W)), backward reaches the module's original and not W, and right_inverse(old value) is "
            "written back into the same objects afterwards; without a right_inverse it raises RuntimeError 'does not "
            "implement right_inverse', and strict=True RuntimeError 'Unexpected key(s)', leaving the module "
            "unchanged.",
            "docs: torch.func.functional_call; pytorch/pytorch#186565",
            M,
            "docs of functional_call say this key disables the parametrization; torch does not: pinned as torch does "
            "it, the gap to the docs is declared",
        ),
    ],
    "jit": [
        (
            "JIT-TRACE",
            "torch.jit.trace of a parametrized model gives the eager output and gradients, and the traced "
            "module follows later in-place updates of the originals.",
            "docs: torch.jit.trace; pytorch/pytorch#60969",
            R,
            "docs of torch.jit.trace: the traced module reads its parameters at run time; torch traces its own",
        ),
        (
            "JIT-SCRIPT-REFUSED",
            "torch.jit.script of a parametrized model fails loudly, leaving the module "
            "unchanged: either scripting raises, or it compiles and calling it raises an exception.",
            "docs: torch.jit.script; pytorch/pytorch#60971",
            R,
            "invariant: scripting a parametrized module cannot work, so calling it fails loudly, as torch does",
        ),
        (
            "JIT-SCRIPT-MESSAGE",
            "torch.jit.script of a parametrized model refuses in torch's words: calling the "
            "compiled module raises torch.jit.Error (TorchScript's wrapper of the getter's RuntimeError), or scripting "
            "raises, containing 'Parametrization is not working with scripting.'.",
            "torch 2.13 behaviour: _inject_property; pytorch/pytorch#60971",
            M,
            "the docs and upstream tests fix no error for scripting; a message that says parametrizations do not "
            "work with scripting is a preference",
        ),
        (
            "JIT-TRACE-CACHED-REFUSED",
            "torch.jit.trace inside cached() (the tensor read first or not) raises an "
            "exception, leaves the module unchanged, and a trace after the exit works.",
            "torch 2.13 behaviour: _inject_property; pytorch/pytorch#60969",
            R,
            "torch's behaviour; invariant: a trace made of cached values would silently freeze them",
        ),
        (
            "JIT-TRACE-CACHED-MESSAGE",
            "torch.jit.trace inside cached() raises RuntimeError containing 'Cannot trace a "
            "model while caching parametrizations.'.",
            "torch 2.13 behaviour: _inject_property; pytorch/pytorch#60969",
            M,
            "the docs and upstream tests fix no error for tracing inside cached(); torch's RuntimeError and "
            "sentence are a preference",
        ),
    ],
    "init": [
        (
            "INIT-META",
            "A model built on the meta device (in a torch.device('meta') context or moved there), "
            "parametrized there, then to_empty(device) and load_state_dict of a parametrized state_dict reads the loaded "
            "values, keeps the parametrized layout (state_dict keys) and trains (gradients, an SGD step).",
            "docs: meta device; docs: nn.Module.to_empty",
            R,
            "docs of Module.to_empty and of meta-device initialisation; invariant: nothing lost on load",
        ),
        (
            "INIT-ASSIGN-LOAD",
            "load_state_dict(assign=True) of a parametrized state_dict, outside cached() and inside "
            "it after a read, makes the originals the loaded tensors (a buffer: the tensor itself; a Parameter: a "
            "Parameter sharing its storage, as torch makes it) and the module read, and backpropagate through, the chain "
            "of the loaded values.",
            "docs: nn.Module.load_state_dict",
            R,
            "docs of load_state_dict(assign): the module's tensors become the loaded ones; invariant: no stale value",
        ),
        (
            "INIT-LAZY",
            "Registering on a lazy module's uninitialized tensor (LazyLinear's weight or bias) before its "
            "first forward raises an exception and leaves the module unchanged; after the first forward, registration "
            "works and the module reads the chain's value.",
            "docs: nn.LazyLinear",
            R,
            "docs of nn.LazyLinear: the tensors are uninitialized until the first forward; invariant: a failing "
            "call changes nothing",
        ),
        (
            "INIT-LAZY-ERROR-TYPE",
            "Registering on a lazy module's uninitialized tensor before its first forward "
            "raises RuntimeError, torch's error type for an uninitialized parameter.",
            "docs: nn.LazyLinear",
            M,
            "the docs of parametrize fix no error here; RuntimeError, what an uninitialized parameter raises when its "
            "shape is read, is a preference",
        ),
    ],
    "convert": [
        (
            "CONVERT-DTYPE",
            "module.half(), .double() and .to(dtype) of a parametrized module, with the swap flag on and "
            "off, return the module, keep the Parameter originals (ids, kind, requires_grad) as torch does, convert every "
            "original and the parametrizations' own buffers to the new dtype with the same values, keep the state_dict "
            "keys, and the module reads the chain applied to the converted originals, backward reaching them.",
            "docs: nn.Module.to; docs: torch.__future__",
            R,
            "docs of Module.to and of torch.__future__.set_swap_module_params_on_conversion",
        ),
        (
            "CONVERT-MEMORY-FORMAT",
            "module.to(memory_format=torch.channels_last) of a parametrized Conv2d, with the swap "
            "flag on and off, keeps the Parameter originals (ids) and their values and makes them channels_last, and "
            "forward and backward equal a conv2d computed by hand with the chain's weight.",
            "docs: nn.Module.to",
            R,
            "docs of Module.to(memory_format)",
        ),
        (
            "CONVERT-AUTOCAST",
            "Forward and backward of a parametrized model under autocast (bfloat16) give the results "
            "of the host's forward written by hand on the chain's value, under the same autocast.",
            "docs: torch.autocast",
            R,
            "docs of torch.autocast; invariant: the chain runs as it would in the user's own forward",
        ),
    ],
    "threads": [
        (
            "THREADS-CACHE-LOCAL",
            "While another thread holds cached() open, a thread outside any cached() gets a new "
            "object at every read, sees an in-place update of the original, and backwards twice through new reads.",
            "docs: cached; pytorch/pytorch#72041",
            R,
            "invariant: no value from another context; docs of cached() speak of 'this context manager', which a "
            "thread that never entered it is not in",
        ),
        (
            "THREADS-OWN-CACHE",
            "Threads that each enter cached() each get their own cached value (one object per "
            "thread, the chain run once per thread, each thread's backward passing), and leaving it in one thread does "
            "not clear the other's.",
            "docs: cached; pytorch/pytorch#72041",
            R,
            "docs of cached(): values are cached while the context manager is active and discarded when leaving it",
        ),
    ],
    "subclass": [
        (
            "SUBCLASS-TENSOR-ORIGINAL",
            "Tensor-subclass originals (TwoTensor, a traceable wrapper subclass; a plain Tensor "
            "subclass; a Parameter subclass), swap flag on and off: registration, assigning a value of the same class and "
            "removal (leave_parametrized True or False) keep the original object, and its class where torch keeps it "
            "(all but a Parameter subclass under the swap flag), and the values are the chain's.",
            "pytorch/pytorch#123859; test_parametrization.py::test_wrapper_subclass_parametrization",
            R,
            "T29 registers parametrizations on TwoTensor (a traceable wrapper subclass) and checks the types kept",
        ),
        (
            "SUBCLASS-GENERATED-CLASS",
            "When the generated class is subclassed after registration (as "
            "torch.distributed.fsdp.fully_shard does), stacking, parametrizing another tensor and removing both names "
            "work and give the right values and forward, and the module keeps the subclass's behaviour (its mixin, its "
            "own __deepcopy__).",
            "docs: fully_shard; torch 2.13 behaviour: remove_parametrizations",
            R,
            "invariant: fully_shard (FSDP2) subclasses the module's class, and its users still stack, add and remove",
        ),
    ],
    # Note: the distributed area runs each example on the ranks of a gloo process group the suite starts
    # on 127.0.0.1 (parametrize_conformance.distributed), at every world size of --distributed-world-sizes.
    "distributed": [
        (
            "DISTRIBUTED-DDP-STEP",
            "A DistributedDataParallel training step of a parametrized model (forward outside or "
            "inside cached(), backward, SGD) equals the same step in one process on every rank's batch: each rank's "
            "outputs, the gradients of every parameter (the originals' averaged over ranks) and the state_dict after the "
            "step, on every rank.",
            "docs: DistributedDataParallel",
            R,
            "docs of DistributedDataParallel: training is equivalent to one process on the whole batch",
        ),
        (
            "DISTRIBUTED-DDP-STATE-DICT",
            "The state_dict of a DDP-wrapped parametrized model has the module's keys "
            "behind 'module.', and once the prefix is consumed it loads into a plain parametrized model, which then "
            "holds the same state and computes the same forward.",
            "docs: DistributedDataParallel",
            R,
            "docs of DDP and of consume_prefix_in_state_dict_if_present; invariant: nothing lost on load",
        ),
        (
            "DISTRIBUTED-FSDP-STEP",
            "After fully_shard of a parametrized model, a forward on each rank's batch, the "
            "backward and an SGD step equal the same step in one process: outputs, every gradient (gathered) and the "
            "state_dict (gathered), on every rank.",
            "docs: fully_shard",
            R,
            "docs of fully_shard: sharding does not change what the model computes",
        ),
        (
            "DISTRIBUTED-FSDP-TYPE-BEFORE",
            "After fully_shard, the module is still parametrized and "
            "type_before_parametrizations answers the class it had before its first registration (nn.Linear, say).",
            "docs: fully_shard; docs: type_before_parametrizations",
            R,
            "docs: type_before_parametrizations 'returns the module type before parametrizations were applied'",
        ),
        (
            "DISTRIBUTED-FSDP-STACK",
            "Stacking a parametrization on a tensor after fully_shard works: forward, "
            "backward and an SGD step equal one process with the stacked chain.",
            "docs: fully_shard; docs: register_parametrization",
            R,
            "docs: parametrizations may be concatenated; torch stacks after fully_shard",
        ),
        (
            "DISTRIBUTED-FSDP-REMOVE",
            "remove_parametrizations after fully_shard (leave_parametrized True or False) ends "
            "alike on every rank: either it raises and changes nothing (class, gathered state, and the step still "
            "equals one process), or it removes and the step equals one process on the unparametrized model.",
            "docs: fully_shard; docs: remove_parametrizations",
            R,
            "invariant: a failing call changes nothing; a call that returns leaves a model that trains",
        ),
        (
            "DISTRIBUTED-FSDP-REGISTER-AFTER",
            "register_parametrization on a module after fully_shard ends alike on "
            "every rank: either it raises and changes nothing (the step still equals one process), or it registers and "
            "forward, backward and an SGD step equal one process with the chain.",
            "docs: fully_shard; docs: register_parametrization",
            R,
            "invariant: a registration that returns leaves a model that trains; a refused one changes nothing",
        ),
        (
            "DISTRIBUTED-DTENSOR-ORIGINALS",
            "A DTensor Parameter (Shard(0), Shard(1) or Replicate()) can be "
            "parametrized: the original stays that object and keeps its placements through registration, an assignment "
            "of a DTensor of any placement (through right_inverse) and removal (leave_parametrized True or False); the "
            "values are the chain's, and cached() returns one object per read.",
            "docs: DTensor",
            R,
            "docs: the original is the tensor; DTensor docs: placements are the tensor's layout, kept by in-place writes",
        ),
        (
            "DISTRIBUTED-CHECKPOINT",
            "torch.distributed.checkpoint save of a fully_shard parametrized model, after a "
            "step, loads into a fresh one (other initial values) on the other world size of --distributed-world-sizes: "
            "the gathered state_dict equals the saved one and the module reads the chain of the loaded originals.",
            "docs: torch.distributed.checkpoint",
            R,
            "docs of torch.distributed.checkpoint: load-time resharding to another world size",
        ),
    ],
    "isolation": [
        (
            "ISOLATION-SHARED-STATE",
            "The implementation never writes to a class it did not generate (torch.nn's module "
            "classes, nn.Parameter, torch.Tensor, the user's module and parametrization classes) and leaves torch's "
            "global module hooks, the swap-tensors and overwrite flags, grad mode, anomaly mode and the default dtype as "
            "it found them; checked by its own probe and after every other check, each change undone before the next.",
            "torch 2.13 behaviour: _inject_new_class",
            R,
            "invariant: no corruption of unrelated objects (classes, global hooks and switches)",
        ),
    ],
    "sequence": [
        (
            "SEQUENCE-DIFFERENTIAL",
            "Over random sequences of operations on a few models (register, stack, remove, "
            "assign, reads in and out of nested cached(), deepcopy, state_dict save and load, load_state_dict(assign=True), "
            "functional_call, transfer, train/eval, freezing, optimizer steps, pickling; a compiled forward and "
            "backward under the thorough profile), everything a user can observe matches the reference after every "
            "step, and a step that raises changes nothing.",
            "docs: parametrizations tutorial; docs: register_parametrization; docs: remove_parametrizations; docs: cached; "
            "docs: transfer_parametrizations_and_params",
            M,
            "beyond the docs: it compares with the reference, which keeps the recommended behaviours too; each "
            "required behaviour has its own clause",
        ),
    ],
}

# The API names each clause's tests call, grouped by the set they call (see needs_of). A partial implementation (one
# that lacks some of the seven names) leaves the clauses that need a missing name untested.
_REG, _REM, _CACHED, _IS = "register_parametrization", "remove_parametrizations", "cached", "is_parametrized"
_LIST, _TYPE, _TRANSFER = "ParametrizationList", "type_before_parametrizations", "transfer_parametrizations_and_params"
_NEEDS: dict[tuple[str, ...], str] = {
    (_REG,): "REGISTER-RETURNS-MODULE REGISTER-CLASS-SWAP REGISTER-ORIGINAL-KEPT REGISTER-VALUE "
    "REGISTER-INVERSE-APPLIED REGISTER-CALL-ORDER REGISTER-STACK-COMPOSES REGISTER-UNKNOWN-NAME "
    "REGISTER-FORWARD-CHECKED REGISTER-INVERSE-CHECKED REGISTER-NOT-A-MODULE REGISTER-NONE-SLOT "
    "REGISTER-RESERVED-NAME REGISTER-HOOKS-FIRE STACK-FORWARD-CHECKED STACK-INVERSE-CHECKED STACK-CHECK-DETAILS "
    "UNSAFE-SHAPE-ALLOWED UNSAFE-STICKY UNSAFE-SKIPS-CALLS MULTI-ORIGINALS MULTI-SINGLE-SEQUENCE MULTI-VALUE "
    "MULTI-ARITY MULTI-MIXED-DTYPE-TRAINABLE ASSIGN-INVERSE-ERROR "
    "ASSIGN-ROUND-TRIP ASSIGN-KEEPS-ID ASSIGN-NO-GRAD ASSIGN-NO-INVERSE ASSIGN-NOT-IMPLEMENTED "
    "ASSIGN-DTYPE-CHECKED ASSIGN-SHAPE-CHECKED ASSIGN-MULTI ASSIGN-MULTI-ATOMIC ASSIGN-PARAMETER-REFUSED "
    "ASSIGN-NO-INVERSE-ERROR ASSIGN-MULTI-ERROR-TYPE "
    "COPY-USER-DEEPCOPY SERIAL-PICKLE-REFUSED SERIAL-STATE-DICT-KEYS SERIAL-ROUND-TRIP SERIAL-STRICT-KEYS "
    "SERIAL-WEIGHTS-ONLY TRAIN-SYNC-AT-REGISTER TRAIN-PROPAGATES NESTED-ASSIGN GRAD-FLOWS "
    "GRAD-OPTIMIZER-STEP GRAD-REQUIRES-GRAD GRAD-LIVE-GRAPH DEVICE-INVERSE-SAME-DEVICE "
    "DEVICE-STATE-DICT-MAP-LOCATION DEVICE-DEEPCOPY COMPILE-VALUES COMPILE-SEES-UPDATES "
    "COMPILE-PER-LAYER-GRAPHS EXPORT-PROGRAM FUNCTIONAL-ORIGINALS FUNCTIONAL-TRANSFORMS FUNCTIONAL-PLAIN-NAME "
    "JIT-TRACE JIT-SCRIPT-REFUSED JIT-SCRIPT-MESSAGE INIT-META INIT-LAZY INIT-LAZY-ERROR-TYPE "
    "CONVERT-DTYPE CONVERT-MEMORY-FORMAT CONVERT-AUTOCAST "
    "DISTRIBUTED-DDP-STATE-DICT DISTRIBUTED-FSDP-STEP DISTRIBUTED-FSDP-STACK DISTRIBUTED-CHECKPOINT "
    "REGISTER-SWAP-WEAKREF GRAD-HOST-STEP "
    # Note: ISOLATION-SHARED-STATE: a probe that calls a missing name stops there (a raising call is
    # judged by the other clauses), so the clause still checks what the present names do.
    "ISOLATION-SHARED-STATE",
    (_LIST,): "REGISTER-EMPTY-LIST",
    (_REG, _LIST): "REGISTER-ATOMIC",
    (_REG, _IS): "REGISTER-SEVERAL-TENSORS COPY-DEEPCOPY-EQUAL DISTRIBUTED-FSDP-REGISTER-AFTER",
    (_REG, _REM): "UNSAFE-DTYPE-ALLOWED REMOVE-LEAVE-PARAMETRIZED REMOVE-LEAVE-ORIGINAL REMOVE-NOT-PARAMETRIZED "
    "REMOVE-MULTI-KEEPS-KIND REMOVE-KEEPS-ORDER REMOVE-UNSAFE-SHAPE REMOVE-VIEW-VALUE COPY-INDEPENDENT "
    "BUFFER-STAYS-BUFFER BUFFER-PERSISTENCE-KEPT COMPILE-AFTER-CHANGE COMPILE-REGISTER-INSIDE "
    "SUBCLASS-TENSOR-ORIGINAL "
    "DEVICE-MOVE-KEEPS-IDS",
    (_REG, _REM, _IS): "REMOVE-MIXED-DTYPE "
    "REMOVE-RESTORES-CLASS REMOVE-MULTI NESTED-REGISTER-REMOVE QUERY-IS-PARAMETRIZED "
    "SUBCLASS-GENERATED-CLASS DISTRIBUTED-FSDP-REMOVE",
    (_REG, _CACHED): "GRAD-HOST-FORWARD "
    "CACHE-SAME-OBJECT CACHE-NESTED CACHE-CLEARED-ON-EXIT CACHE-PER-TENSOR CACHE-NO-ALIEN "
    "CACHE-KEPT-IN-CONTEXT CACHE-REPLACED-ORIGINAL CACHE-ASSIGN-DEFERRED CACHE-GRAD COMPILE-FULLGRAPH "
    "EXPORT-CACHED FUNCTIONAL-CACHED JIT-TRACE-CACHED-REFUSED JIT-TRACE-CACHED-MESSAGE "
    "INIT-ASSIGN-LOAD THREADS-CACHE-LOCAL "
    "THREADS-OWN-CACHE DEVICE-CACHED DISTRIBUTED-DDP-STEP",
    (_REG, _CACHED, _REM): "REGISTER-FORWARD-ERROR DEVICE-NO-MEMORY-GROWTH DISTRIBUTED-DTENSOR-ORIGINALS",
    (_REG, _TRANSFER): "MULTI-MIXED-DTYPE "
    "TRANSFER-ALL TRANSFER-MULTI TRANSFER-BUFFER TRANSFER-ATOMIC TRANSFER-SELF TRANSFER-ERROR-TYPE "
    "DEVICE-TRANSFER",
    (_REG, _TRANSFER, _IS): "TRANSFER-ONE-NAME TRANSFER-MISSING-TARGET",
    (_REG, _TRANSFER, _REM): "TRANSFER-NOT-PARAMETRIZED",
    (_REG, _TRANSFER, _CACHED): "TRANSFER-CACHE-SEPARATE",
    (_REG, _REM, _LIST, _TYPE): "QUERY-TYPE-BEFORE",
    (_REG, _IS, _TYPE): "DISTRIBUTED-FSDP-TYPE-BEFORE",
    (_REG, _REM, _CACHED, _IS, _TYPE, _TRANSFER): "SEQUENCE-DIFFERENTIAL",
}


def needs_of(table: dict[tuple[str, ...], str] = _NEEDS) -> dict[str, tuple[str, ...]]:
    """Each clause's needed names, from the table grouped by name set; a clause listed twice is an error."""
    found: dict[str, tuple[str, ...]] = {}
    for names, clauses in table.items():
        for clause in clauses.split():
            if clause in found:
                raise ValueError(f"clause {clause} is listed twice in the needs table: keep one of its sets")
            found[clause] = names
    return found


_CLAUSE_NEEDS = needs_of()
CLAUSES: dict[str, Clause] = {
    cid: Clause(cid, area, statement, source, level, basis, _CLAUSE_NEEDS.get(cid, ()))
    for area, rows in _TABLE.items()
    for cid, statement, source, level, basis in rows
}
AREAS: tuple[str, ...] = tuple(_TABLE)
