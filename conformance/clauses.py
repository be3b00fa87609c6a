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
_REG, _REM, _CACHED, _IS = "register_parametrization", "remove_parametrizations", "cached", "is_parametrized"
_LIST, _TYPE, _TRANSFER = "ParametrizationList", "type_before_parametrizations", "transfer_parametrizations_and_params"

# Note: one record per clause, in the order of the spec page. A source is references joined by "; ": upstream tests
# by name, torch docs pages, GitHub issues, torch 2.13 behaviour of a parametrize.py function
# (parametrize_conformance.sources resolves each to its link). The basis cites the documentation of
# torch.nn.utils.parametrize ('docs'), an upstream test (T<n>: the n-th of parametrize_conformance.sources.UPSTREAM_TESTS),
# or the invariant. `needs` names the API names the clause's test calls: a partial implementation (one that lacks some
# of the seven names) leaves the clauses that need a missing name untested.
_RECORDS: tuple[Clause, ...] = (
    Clause(
        id="REGISTER-RETURNS-MODULE",
        area="register",
        level=R,
        statement="register_parametrization returns the very module it was given.",
        basis="docs: the example binds the module register_parametrization returns (linear_rank_one = ...)",
        source="docs: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-CLASS-SWAP",
        area="register",
        level=R,
        statement="The module's class becomes Parametrized<Cls>, a direct subclass of its class.",
        basis="T1 pins the swapped class and its restoration; every user relies on isinstance(module, Cls)",
        source="torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-ORIGINAL-KEPT",
        area="register",
        level=R,
        statement="The tensor leaves _parameters/_buffers and becomes parametrizations[name].original: "
        "the same object, of the same kind, with the same requires_grad.",
        basis="docs: 'The original tensor will be accessible under module.parametrizations.weight.original'; T1, T3 "
        "keep its id",
        source="docs: register_parametrization; torch 2.13 behaviour: _register_parameter_or_buffer; "
        "test_parametrization.py::test_register_and_remove_parametrization; "
        "test_parametrization.py::test_register_and_remove_buffer_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-VALUE",
        area="register",
        level=R,
        statement="Reading module.name gives the chain's forward applied to the original.",
        basis="docs: 'When accessing module.weight, the module will return the parametrized version "
        "parametrization(module.weight)'",
        source="docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.forward",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-INVERSE-APPLIED",
        area="register",
        level=R,
        statement="The first registration stores right_inverse(old value) in the original; a "
        "missing right_inverse or one raising NotImplementedError counts as the identity.",
        basis="docs: right_inverse 'is called on the unparametrized tensor when the first parametrization is "
        "registered'; without it 'the original tensor will be just the unparametrized tensor'",
        source="docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__; "
        "test_parametrization.py::test_initialization_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-CALL-ORDER",
        area="register",
        level=M,
        statement="A first registration calls right_inverse then forward; stacking calls the existing "
        "chain, the new forward, then the new right_inverse.",
        basis="the docs say forward and right_inverse are each called once for the checks, not in which order; a "
        "parametrization without side effects cannot tell",
        source="torch 2.13 behaviour: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-STACK-COMPOSES",
        area="register",
        level=R,
        statement="A stacked parametrization applies to the previous chain's output, and stacking "
        "never changes the stored originals.",
        basis=(
            "docs: 'Parametrizations may be concatenated by registering several parametrizations on the same attribute'; T1"
        ),
        source="docs: register_parametrization; test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-SEVERAL-TENSORS",
        area="register",
        level=R,
        statement="Several tensors of one module can be parametrized independently; one class swap covers them all.",
        basis="T1 parametrizes weight and bias of one module at once",
        source="test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG, _IS),
    ),
    Clause(
        id="REGISTER-UNKNOWN-NAME",
        area="register",
        level=R,
        statement="A name that is not a parameter, buffer or parametrized tensor raises ValueError and changes nothing.",
        basis="docs: 'Raises ValueError if the module does not have a parameter or a buffer named tensor_name'; T6",
        source="docs: register_parametrization; torch 2.13 behaviour: register_parametrization; "
        "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-FORWARD-CHECKED",
        area="register",
        level=R,
        statement="Without unsafe, a first registration whose forward returns a non-tensor, "
        "another dtype or another shape raises ValueError and changes nothing.",
        basis=(
            "docs: with unsafe=False forward is called 'to perform a number of consistency checks'; T6 pins each ValueError"
        ),
        source="torch 2.13 behaviour: ParametrizationList.__init__; "
        "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-INVERSE-CHECKED",
        area="register",
        level=R,
        statement="A first registration whose right_inverse returns a non-tensor, a sequence "
        "with a non-tensor, another dtype or another device raises ValueError and changes nothing.",
        basis="docs: the consistency checks of unsafe=False; T6 pins each ValueError (None, dtype, device)",
        source="torch 2.13 behaviour: ParametrizationList.__init__; "
        "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-EMPTY-LIST",
        area="register",
        level=M,
        statement="ParametrizationList with no modules raises ValueError.",
        basis="docs: ParametrizationList 'shall not be instantiated by the user'; its error for no modules is beyond them",
        source="torch 2.13 behaviour: ParametrizationList.__init__",
        needs=(_LIST,),
    ),
    Clause(
        id="REGISTER-NOT-A-MODULE",
        area="register",
        level=M,
        statement="A parametrization that is not an nn.Module is refused with TypeError, and nothing changes.",
        basis="the docs type the argument nn.Module; which error a non-Module gets is beyond them",
        source="torch 2.13 behaviour: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-NONE-SLOT",
        area="register",
        level=M,
        statement="Parametrizing a None parameter slot raises ValueError, and nothing changes.",
        basis="a None slot is a programming error whose error type the docs do not fix; a clear ValueError is a preference",
        source="torch 2.13 behaviour: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-RESERVED-NAME",
        area="register",
        level=M,
        statement="A module that already holds an attribute named 'parametrizations' is refused "
        "with ValueError rather than having it replaced.",
        basis="the docs reserve the attribute ('this function will add an attribute parametrizations'); refusing a "
        "user's own attribute of that name is beyond them",
        source="docs: register_parametrization; torch 2.13 behaviour: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-ATOMIC",
        area="register",
        level=R,
        statement="A first registration that fails leaves the tensor's values untouched, not only the module's structure.",
        basis=(
            "invariant: a failing call loses nothing and half-changes nothing; T6 checks the weight keeps its initial value"
        ),
        source="torch 2.13 behaviour: ParametrizationList.__init__",
        needs=(_REG, _LIST),
    ),
    Clause(
        id="REGISTER-SWAP-WEAKREF",
        area="register",
        level=R,
        statement="Under either setting of the swap flag, a tensor that its module keeps weak "
        "references to (nn.RNN, nn.LSTM and nn.GRU keep them in _flat_weight_refs) is parametrized and assigned to "
        "like any other: the same original object, holding the right_inverse's value, and the host's own forward "
        "follows.",
        basis="docs: register_parametrization takes any parameter or buffer of the module, under either setting of "
        "torch's swap flag (which the torch.__future__ docs give for module conversions)",
        source="docs: register_parametrization; docs: torch.__future__; torch 2.13 behaviour: _maybe_set",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-HOOKS-FIRE",
        area="register",
        level=R,
        statement="Reading a parametrized tensor calls each parametrization as a module call: forward "
        "pre-hooks and forward hooks on a parametrization, and global module forward (pre-)hooks, fire on every read; "
        "full backward (pre-)hooks on a parametrization, and global backward (pre-)hooks, fire on backward through "
        "the value.",
        basis="docs: the value is parametrization(module.weight), a module call, and a module call runs that module's "
        "hooks and the global ones",
        source="docs: register_parametrization; torch 2.13 behaviour: _inject_property",
        needs=(_REG,),
    ),
    Clause(
        id="REGISTER-FORWARD-ERROR",
        area="register",
        level=R,
        statement="An exception raised inside a parametrization's forward while the tensor is "
        "computed (a read of module.name, in or out of cached(); the check of a registration or of a stack; "
        "remove_parametrizations with leave_parametrized=True) reaches the caller as itself, the very object (so of "
        "its type, with its message), and the module is unchanged.",
        basis="docs: reading module.weight is parametrization(module.weight), a call, whose exception reaches the caller "
        "as itself (neither hidden, as #58488 found an AttributeError, nor wrapped); invariant: a failing call changes "
        "nothing",
        source="docs: register_parametrization; torch 2.13 behaviour: _inject_property; pytorch/pytorch#58488; "
        "pytorch/pytorch#72452",
        needs=(_REG, _CACHED, _REM),
    ),
    Clause(
        id="STACK-FORWARD-CHECKED",
        area="stack",
        level=R,
        statement="Without unsafe, stacking a parametrization whose output is a non-tensor, or has "
        "another dtype or shape, raises ValueError and leaves the list as it was.",
        basis="docs: the unsafe=False consistency checks; T7 pins each ValueError and the list's length after it",
        source="torch 2.13 behaviour: register_parametrization; "
        "test_parametrization.py::test_errors_parametrized_tensor_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="STACK-INVERSE-CHECKED",
        area="stack",
        level=R,
        statement="Without unsafe, stacking a parametrization whose right_inverse output is a "
        "non-tensor, or has another dtype or shape, raises ValueError and leaves the list as it was; "
        "NotImplementedError skips the check.",
        basis="docs: the unsafe=False consistency checks; T7 pins each ValueError and the list's length after it",
        source="torch 2.13 behaviour: register_parametrization; "
        "test_parametrization.py::test_errors_parametrized_tensor_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="STACK-CHECK-DETAILS",
        area="stack",
        level=M,
        statement="A refused stacking's ValueError says what was wrong in torch's words, naming the "
        "tensor with its dtype or shape (and, for a right_inverse, the dtype or shape it returned).",
        basis="T7 pins each ValueError by a key phrase only; the full sentence, with the tensor's name and values, is a "
        "preference",
        source="torch 2.13 behaviour: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="UNSAFE-SHAPE-ALLOWED",
        area="unsafe",
        level=R,
        statement="With unsafe=True a parametrization may change the tensor's shape.",
        basis="docs: unsafe 'denotes whether the parametrization may change the dtype and shape of the tensor'; T1",
        source="docs: register_parametrization; test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="UNSAFE-DTYPE-ALLOWED",
        area="unsafe",
        level=R,
        statement="With unsafe=True a parametrization may change the tensor's dtype.",
        basis="docs: unsafe 'denotes whether the parametrization may change the dtype and shape of the tensor'",
        source="docs: register_parametrization",
        needs=(_REG, _REM),
    ),
    Clause(
        id="UNSAFE-STICKY",
        area="unsafe",
        level=R,
        statement="A list's unsafe flag, once set, stays set when safe parametrizations are stacked.",
        basis="T1 pins that unsafe stays set when a safe parametrization is stacked",
        source="torch 2.13 behaviour: register_parametrization; "
        "test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="UNSAFE-SKIPS-CALLS",
        area="unsafe",
        level=R,
        statement="With unsafe=True a first registration calls only right_inverse, and stacking calls "
        "neither forward nor right_inverse.",
        basis="docs: 'If unsafe=True, then right_inverse will be called if the tensor is not parametrized, and "
        "nothing will be called otherwise'",
        source="docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__",
        needs=(_REG,),
    ),
    Clause(
        id="MULTI-ORIGINALS",
        area="multi",
        level=R,
        statement="A right_inverse returning a sequence gives original0..N-1: Parameters with the "
        "source's requires_grad if it was a Parameter, buffers otherwise.",
        basis="docs: the tensors of a sequence are registered 'as original0, original1, ...'; T8, T19 pin their kind",
        source="docs: register_parametrization; torch 2.13 behaviour: _register_parameter_or_buffer; "
        "test_parametrization.py::test_multiple_inputs_parametrization; "
        "test_parametrization.py::test_register_parametrization_no_grad",
        needs=(_REG,),
    ),
    Clause(
        id="MULTI-SINGLE-SEQUENCE",
        area="multi",
        level=R,
        statement="A right_inverse returning a length-1 sequence gives original0, not original.",
        basis="T6 pins original0 for a length-1 sequence",
        source="pytorch/pytorch#58488; test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="MULTI-VALUE",
        area="multi",
        level=R,
        statement="A multi-input forward receives the originals in order; single-input parametrizations stack on top of it.",
        basis="docs: the RankOne example, a forward of several inputs; T8 stacks a one-input one on it",
        source="torch 2.13 behaviour: ParametrizationList.forward; "
        "test_parametrization.py::test_multiple_inputs_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="MULTI-ARITY",
        area="multi",
        level=R,
        statement="A forward whose arity does not match the originals raises TypeError and changes nothing.",
        basis="T6 pins the TypeError of a wrong arity; invariant: a failing call changes nothing",
        source="torch 2.13 behaviour: ParametrizationList.__init__; "
        "test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="MULTI-MIXED-DTYPE",
        area="multi",
        level=R,
        statement="A multi-input right_inverse whose outputs differ in dtype (integer codes beside a "
        "floating scale), on a buffer or a frozen Parameter, gives originals that each keep the dtype right_inverse "
        "gave it through registration, an in-place assignment, a state_dict save and load and a transfer, and "
        "module.name reads as forward applied to them, in the tensor's dtype.",
        basis="docs: right_inverse may return any Sequence[Tensor], registered as original0, original1, ... and stored "
        "there by assignment, with no dtype asked of them; T19 registers a frozen Parameter through one",
        source="docs: register_parametrization; docs: ParametrizationList; torch 2.13 behaviour: "
        "ParametrizationList.right_inverse; test_parametrization.py::test_register_parametrization_no_grad; "
        "pytorch/pytorch#124888",
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="MULTI-MIXED-DTYPE-TRAINABLE",
        area="multi",
        level=R,
        statement="On a trainable Parameter, a multi-input right_inverse whose outputs differ in "
        "dtype registers too: every original is a Parameter, the floating ones requiring grad and the integer ones "
        "not (after an assignment too), and backward through module.name reaches the floating ones.",
        basis="docs: right_inverse may return any Sequence[Tensor], and 'if the original tensor requires a gradient, the "
        "backward pass will differentiate through parametrization'; invariant: only floating tensors can require grad",
        source="docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.__init__; pytorch/pytorch#124888",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-ROUND-TRIP",
        area="assign",
        level=R,
        statement=(
            "Assigning module.name = X runs the right_inverses in reverse order; reading gives X back for exact inverses."
        ),
        basis="docs: 'it is possible to initialize a parametrized tensor by assigning to it', and the example's "
        "allclose(m.weight, A); T5",
        source="docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.right_inverse; "
        "test_parametrization.py::test_initialization_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-KEEPS-ID",
        area="assign",
        level=R,
        statement="Assignment writes into the original object in place: its id, kind and requires_grad are kept.",
        basis="invariant: an optimizer built earlier holds the original Parameter object; replacing it would silently "
        "stop training",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse; torch 2.13 behaviour: _maybe_set",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-NO-GRAD",
        area="assign",
        level=R,
        statement="Assignment runs right_inverse under no_grad and keeps no autograd link to the assigned value.",
        basis="invariant: assigning leaves the caller's tensor as it was, and the original a leaf the optimizer updates",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-NO-INVERSE",
        area="assign",
        level=R,
        statement="Assigning through a parametrization without right_inverse raises an exception and changes nothing.",
        basis="docs: assignment works 'if all the parametrizations registered on a tensor implement right_inverse'; "
        "invariant: a refused one changes nothing",
        source="docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-NO-INVERSE-ERROR",
        area="assign",
        level=M,
        statement="Assigning through a parametrization without right_inverse raises RuntimeError "
        "naming the parametrization and saying it does not implement right_inverse.",
        basis="the docs say when assignment works, not which error the others get; a RuntimeError that names the "
        "parametrization is a preference",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-NOT-IMPLEMENTED",
        area="assign",
        level=R,
        statement="A right_inverse raising NotImplementedError propagates on assignment.",
        basis="T5: errors raised by user code in right_inverse propagate",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-DTYPE-CHECKED",
        area="assign",
        level=M,
        statement="An assignment whose right_inverse output has another dtype raises ValueError and changes nothing.",
        basis="the docs check consistency at registration only; a correct right_inverse keeps the dtype",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-SHAPE-CHECKED",
        area="assign",
        level=M,
        statement="Without unsafe, an assignment whose right_inverse output has another shape raises "
        "ValueError and changes nothing.",
        basis="the docs check consistency at registration only; a correct program assigns a value of the tensor's shape",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-MULTI",
        area="assign",
        level=R,
        statement="Assignment through a multi-input parametrization writes every original; a sequence of the "
        "wrong length raises an exception and changes nothing.",
        basis="docs: ParametrizationList.right_inverse 'stores the result in self.original0, self.original1, ... if "
        "it outputs several'",
        source="docs: ParametrizationList; torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-MULTI-ATOMIC",
        area="assign",
        level=R,
        statement="A multi-input assignment that fails on a later element leaves every original as it was.",
        basis="invariant: a failing call loses nothing and half-changes nothing",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-MULTI-ERROR-TYPE",
        area="assign",
        level=M,
        statement="A multi-input assignment whose right_inverse returns a sequence of the wrong "
        "length, or a None element, raises ValueError saying so (the expected length, the element's index and "
        "type).",
        basis="the docs say where the outputs are stored, not which error a bad output gets; a ValueError that says "
        "what is wrong is a preference",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-PARAMETER-REFUSED",
        area="assign",
        level=M,
        statement="Assigning an nn.Parameter to a parametrized name raises KeyError and changes nothing.",
        basis="the KeyError is nn.Module.__setattr__'s, beyond the docs of parametrize",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse; torch 2.13 behaviour: _inject_property",
        needs=(_REG,),
    ),
    Clause(
        id="ASSIGN-INVERSE-ERROR",
        area="assign",
        level=R,
        statement="An exception other than NotImplementedError raised inside a parametrization's "
        "right_inverse (on an assignment to module.name, a first registration or a stacked one) reaches the caller as "
        "itself, the very object, and the module is unchanged.",
        basis="docs: registration and assignment call right_inverse, and a call's exception reaches the caller as itself "
        "(only a missing right_inverse has a documented meaning); invariant: a failing call changes nothing",
        source="docs: register_parametrization; torch 2.13 behaviour: ParametrizationList.right_inverse; "
        "torch 2.13 behaviour: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="REMOVE-LEAVE-PARAMETRIZED",
        area="remove",
        level=R,
        statement="remove_parametrizations(leave_parametrized=True) keeps the parametrized value "
        "in the same original object, of the same kind, and returns the module.",
        basis="docs: 'module[tensor_name] will be set to its current output', 'Returns: Module'; T1 keeps the ids",
        source="docs: remove_parametrizations; test_parametrization.py::test_register_and_remove_parametrization; "
        "pytorch/pytorch#55456",
        needs=(_REG, _REM),
    ),
    Clause(
        id="REMOVE-LEAVE-ORIGINAL",
        area="remove",
        level=R,
        statement="leave_parametrized=False restores the stored original value in the same object.",
        basis="docs: 'module[tensor_name] will be set to the unparametrised tensor'; T1 pins value, id and class",
        source="docs: remove_parametrizations; test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG, _REM),
    ),
    Clause(
        id="REMOVE-RESTORES-CLASS",
        area="remove",
        level=R,
        statement="Removing the last parametrization restores the original class and deletes "
        "'parametrizations'; removing one of several keeps the others working.",
        basis="T1 pins the class restored to nn.Linear and the other tensor still parametrized",
        source="torch 2.13 behaviour: remove_parametrizations; "
        "test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG, _REM, _IS),
    ),
    Clause(
        id="REMOVE-NOT-PARAMETRIZED",
        area="remove",
        level=R,
        statement="Removing a name that is not parametrized raises ValueError and changes nothing.",
        basis="docs: 'Raises ValueError if module[tensor_name] is not parametrized'; T6",
        source="docs: remove_parametrizations; test_parametrization.py::test_errors_unparametrized_tensor_parametrization",
        needs=(_REG, _REM),
    ),
    Clause(
        id="REMOVE-MULTI",
        area="remove",
        level=R,
        statement="A multi-input tensor is removed with leave_parametrized=True as its value; "
        "leave_parametrized=False raises ValueError and changes nothing.",
        basis="docs: 'Raises ValueError if leave_parametrized=False and the parametrization depends on several tensors'; T8",
        source="docs: remove_parametrizations; test_parametrization.py::test_multiple_inputs_parametrization",
        needs=(_REG, _REM, _IS),
    ),
    Clause(
        id="REMOVE-MULTI-KEEPS-KIND",
        area="remove",
        level=R,
        statement="Removing a multi-input parametrization of a Parameter gives back a Parameter, frozen or not.",
        basis="T8 pins a Parameter after removal; invariant: a frozen Parameter unfrozen later must still be among "
        "parameters() for its optimizer",
        source="torch 2.13 behaviour: remove_parametrizations",
        needs=(_REG, _REM),
    ),
    Clause(
        id="REMOVE-KEEPS-ORDER",
        area="remove",
        level=M,
        statement="A register/remove round trip keeps the order of parameters and of state_dict keys.",
        basis="the order of parameters and state_dict keys is beyond the docs; a correct program looks keys up by name",
        source="torch 2.13 behaviour: remove_parametrizations",
        needs=(_REG, _REM),
    ),
    Clause(
        id="REMOVE-UNSAFE-SHAPE",
        area="remove",
        level=R,
        statement="Removing a shape-changing unsafe parametrization leaves the new shape in the same object.",
        basis=(
            "docs: with leave_parametrized=True 'module[tensor_name] will be set to its current output', whatever its shape"
        ),
        source="docs: remove_parametrizations",
        needs=(_REG, _REM),
    ),
    Clause(
        id="REMOVE-VIEW-VALUE",
        area="remove",
        level=R,
        statement="A parametrization whose value or right_inverse is a view of its input (a flatten, a "
        "transpose) registers, and removes with leave_parametrized=True, under either setting of the swap flag, "
        "frozen or not: the same object holds the value.",
        basis="docs: 'module[tensor_name] will be set to its current output', under either setting of torch's swap flag",
        source="docs: remove_parametrizations; torch 2.13 behaviour: _maybe_set; found by SEQUENCE-DIFFERENTIAL",
        needs=(_REG, _REM),
    ),
    Clause(
        id="REMOVE-MIXED-DTYPE",
        area="remove",
        level=R,
        statement="Removing a multi-input parametrization whose originals differ in dtype (on a buffer "
        "or a frozen Parameter) with leave_parametrized=True leaves module.name holding the parametrized value in the "
        "tensor's dtype, not an original's; leave_parametrized=False raises ValueError and changes nothing.",
        basis="docs: 'module[tensor_name] will be set to its current output'; 'Raises ValueError if "
        "leave_parametrized=False and the parametrization depends on several tensors'",
        source="docs: remove_parametrizations; torch 2.13 behaviour: remove_parametrizations",
        needs=(_REG, _REM, _IS),
    ),
    Clause(
        id="REMOVE-UNSAFE-DTYPE",
        area="remove",
        level=R,
        statement="Without the swap flag, removing with leave_parametrized=True an unsafe parametrization that changed "
        "the tensor's dtype raises and changes nothing: the original cannot take another dtype in place, and the "
        "module stays parametrized as it was.",
        basis="invariant: a failing call changes nothing; docs: leave_parametrized=True keeps the original object and "
        "sets it to the current output, which set_() cannot give another dtype",
        source="docs: remove_parametrizations; torch 2.13 behaviour: remove_parametrizations",
        needs=(_REG, _REM, _IS),
    ),
    Clause(
        id="CACHE-SAME-OBJECT",
        area="cache",
        level=R,
        statement="Inside cached(), repeated reads return the same tensor and run the chain once.",
        basis="docs: the value 'is computed and cached the first time' it is required; T9 pins the same object",
        source="docs: cached; test_parametrization.py::test_caching_parametrization",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-NESTED",
        area="cache",
        level=R,
        statement="Nested cached() contexts keep the cache until the outermost one exits.",
        basis="docs: the values are 'discarded when leaving the context manager', and an inner exit does not leave "
        "the outer context",
        source="docs: cached; torch 2.13 behaviour: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-CLEARED-ON-EXIT",
        area="cache",
        level=R,
        statement="Leaving cached(), even by an exception, clears the cache.",
        basis="docs: 'The cached values are discarded when leaving the context manager'",
        source="docs: cached; torch 2.13 behaviour: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-PER-TENSOR",
        area="cache",
        level=R,
        statement="The cache holds one value per module and per tensor name.",
        basis="T10 pins one cached object per module; docs: the value of each parametrized object",
        source=(
            "docs: cached; test_parametrization.py::test_caching_parametrization_with_transfer_parametrizations_and_params"
        ),
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-NO-ALIEN",
        area="cache",
        level=R,
        statement="Within one cached() context a module never receives a value computed for another "
        "module, even one freed earlier in the context.",
        basis="invariant: a module is never given another module's value",
        source="torch 2.13 behaviour: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-KEPT-IN-CONTEXT",
        area="cache",
        level=R,
        statement="Inside cached(), once a tensor's value is computed, later reads serve that same "
        "object until the outermost context exits, even after an original was changed in place or a parametrization "
        "was stacked; the first read after the exit computes the current value.",
        basis="docs: values are computed 'the first time they are required' and 'discarded when leaving the context "
        "manager', not before",
        source="docs: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-REPLACED-ORIGINAL",
        area="cache",
        level=R,
        statement="Inside cached(), a read after an original was replaced by another tensor object "
        "(re-tied, as functional_call and load_state_dict(assign=True) do) computes from the new object, and "
        "gradients reach it.",
        basis="invariant: no value computed from tensors the module no longer holds (its gradient would miss the "
        "ones it holds)",
        source="docs: cached; docs: nn.Module.load_state_dict; docs: torch.func.functional_call",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-ASSIGN-DEFERRED",
        area="cache",
        level=R,
        statement="An assignment inside cached() writes the originals at once, reads inside the "
        "context keep serving the value cached before it, and the first read after the exit gives the assigned "
        "value.",
        basis="docs: values are computed 'the first time they are required' and 'discarded when leaving the context "
        "manager', not before",
        source="docs: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="CACHE-GRAD",
        area="cache",
        level=R,
        statement="Gradients flow through a cached value to the original.",
        basis="docs: cached() wraps the forward pass 'in training and evaluation', so gradients reach the originals",
        source="docs: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="COPY-DEEPCOPY-EQUAL",
        area="copy",
        level=R,
        statement="copy.deepcopy of a parametrized module gives equal values in distinct objects, "
        "and a working parametrized copy.",
        basis="T13 pins equal, distinct and working deepcopies",
        source="torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_deepcopy_after_parametrization; "
        "pytorch/pytorch#69413; pytorch/pytorch#80811",
        needs=(_REG, _IS),
    ),
    Clause(
        id="COPY-INDEPENDENT",
        area="copy",
        level=R,
        statement="After a deepcopy, registering or removing parametrizations on either module leaves the "
        "other unchanged and working.",
        basis="invariant: working on a copy never breaks its source",
        source="torch 2.13 behaviour: _inject_new_class",
        needs=(_REG, _REM),
    ),
    Clause(
        id="COPY-USER-DEEPCOPY",
        area="copy",
        level=R,
        statement="A module class with its own __deepcopy__ keeps using it once parametrized.",
        basis="T13 deep-copies a module with its own __deepcopy__",
        source="torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_deepcopy_after_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="SERIAL-PICKLE-REFUSED",
        area="serial",
        level=R,
        statement="pickle.dumps and torch.save of a parametrized module raise RuntimeError pointing "
        "to state_dict(), and copy.copy raises too.",
        basis="T4, T27 pin the RuntimeError that points to state_dict",
        source="torch 2.13 behaviour: _inject_new_class; test_parametrization.py::test_serialization_parametrization; "
        "test_parametrization.py::test_weight_norm_pickle",
        needs=(_REG,),
    ),
    Clause(
        id="SERIAL-STATE-DICT-KEYS",
        area="serial",
        level=R,
        statement="state_dict keys are parametrizations.<name>.original[i] plus the "
        "parametrizations' own state under parametrizations.<name>.<index>.",
        basis="T20 pins the exact key set",
        source="torch 2.13 behaviour: register_parametrization; "
        "test_parametrization.py::test_new_spectral_norm_load_state_dict",
        needs=(_REG,),
    ),
    Clause(
        id="SERIAL-ROUND-TRIP",
        area="serial",
        level=R,
        statement="A state_dict loads into a fresh, identically parametrized module, reproducing its "
        "values and keeping the target's tensor ids.",
        basis="T4 pins the state_dict round trip",
        source="torch 2.13 behaviour: register_parametrization; test_parametrization.py::test_serialization_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="SERIAL-STRICT-KEYS",
        area="serial",
        level=R,
        statement="Loading an unparametrized state_dict into a parametrized module fails under strict "
        "mode, naming the missing and unexpected keys.",
        basis="T20 pins the strict-mode error",
        source="torch 2.13 behaviour: register_parametrization; "
        "test_parametrization.py::test_new_spectral_norm_load_state_dict",
        needs=(_REG,),
    ),
    Clause(
        id="SERIAL-WEIGHTS-ONLY",
        area="serial",
        level=R,
        statement="A saved state_dict loads back with torch.load(weights_only=True).",
        basis=(
            "torch.load's default is weights_only=True (torch 2.6 on): a state_dict it refuses cannot be loaded by default"
        ),
        source="docs: torch.load",
        needs=(_REG,),
    ),
    Clause(
        id="TRANSFER-ALL",
        area="transfer",
        level=R,
        statement="transfer_parametrizations_and_params moves every parametrized tensor: the target reads "
        "the same values, shares the parametrization modules and ties the originals.",
        basis="docs: 'transfers all parametrized parameters'; T14, T15",
        source=(
            "docs: transfer_parametrizations_and_params; test_parametrization.py::test_transfer_parametrizations_and_params"
        ),
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="TRANSFER-ONE-NAME",
        area="transfer",
        level=R,
        statement="With tensor_name, only that tensor is transferred.",
        basis="docs: 'If tensor_name is specified, only transfers the specified parameter'; T16",
        source="docs: transfer_parametrizations_and_params; "
        "test_parametrization.py::test_transfer_parametrizations_and_params_single_param",
        needs=(_REG, _TRANSFER, _IS),
    ),
    Clause(
        id="TRANSFER-MISSING-TARGET",
        area="transfer",
        level=R,
        statement="A name missing from the target is created there before the transfer.",
        basis="docs: 'If those parameters do not exist in to_module, it will create them'; T14",
        source=(
            "docs: transfer_parametrizations_and_params; test_parametrization.py::test_transfer_parametrizations_and_params"
        ),
        needs=(_REG, _TRANSFER, _IS),
    ),
    Clause(
        id="TRANSFER-MULTI",
        area="transfer",
        level=R,
        statement="A multi-input parametrization transfers with every original tied.",
        basis="T17 transfers a multi-input parametrization",
        source="docs: transfer_parametrizations_and_params; "
        "test_parametrization.py::test_transfer_parametrizations_and_params_many_to_one",
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="TRANSFER-NOT-PARAMETRIZED",
        area="transfer",
        level=R,
        statement="Transferring from an unparametrized module does nothing and returns the target.",
        basis="docs: 'Does nothing if from_module is not parametrized', 'Returns: to_module'",
        source="docs: transfer_parametrizations_and_params",
        needs=(_REG, _TRANSFER, _REM),
    ),
    Clause(
        id="TRANSFER-BUFFER",
        area="transfer",
        level=M,
        statement="A parametrized buffer transferred to a target lacking it arrives as a buffer.",
        basis="the docs speak of transferring parameters only; a parametrized buffer arriving as a buffer is beyond them",
        source="torch 2.13 behaviour: transfer_parametrizations_and_params",
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="TRANSFER-ATOMIC",
        area="transfer",
        level=R,
        statement="A transfer that fails (raises any exception) leaves the target and the source exactly as they were.",
        basis="invariant: a failing call loses nothing and half-changes nothing",
        source="torch 2.13 behaviour: transfer_parametrizations_and_params",
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="TRANSFER-SELF",
        area="transfer",
        level=R,
        statement="Transferring a parametrized module's parametrizations onto itself is refused (it raises "
        "an exception), and nothing changes.",
        basis="invariant: a failing call half-changes nothing (torch raises and leaves the chain doubled)",
        source="docs: transfer_parametrizations_and_params; found by SEQUENCE-DIFFERENTIAL",
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="TRANSFER-ERROR-TYPE",
        area="transfer",
        level=M,
        statement="A transfer onto a target whose slot for a transferred tensor is None, and a transfer "
        "of a module onto itself, are refused with ValueError.",
        basis="the docs fix no error for a transfer; ValueError, as for a bad argument of register_parametrization "
        "(REGISTER-NONE-SLOT), is a preference",
        source="torch 2.13 behaviour: transfer_parametrizations_and_params; found by SEQUENCE-DIFFERENTIAL",
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="TRANSFER-CACHE-SEPARATE",
        area="transfer",
        level=R,
        statement="After a transfer, each module caches its own value.",
        basis="T10 pins separate cached objects after a transfer",
        source="docs: transfer_parametrizations_and_params; "
        "test_parametrization.py::test_caching_parametrization_with_transfer_parametrizations_and_params",
        needs=(_REG, _TRANSFER, _CACHED),
    ),
    Clause(
        id="TRAIN-SYNC-AT-REGISTER",
        area="training",
        level=R,
        statement="Registration sets the parametrization's training flag from the module.",
        basis="docs: 'The training mode of a registered parametrization is updated on registration to match the "
        "training mode of the host module'; T11",
        source="docs: register_parametrization; test_parametrization.py::test_parametrization_same_training_mode",
        needs=(_REG,),
    ),
    Clause(
        id="TRAIN-PROPAGATES",
        area="training",
        level=R,
        statement="module.train()/eval() reach the parametrizations afterwards.",
        basis="docs: parametrizations are submodules (module.parametrizations.weight), and Module.train() sets every "
        "submodule",
        source="docs: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="NESTED-REGISTER-REMOVE",
        area="nested",
        level=R,
        statement="The original inside a ParametrizationList can itself be parametrized, and removal restores each class.",
        basis="T2 parametrizes original inside a ParametrizationList and removes it",
        source="torch 2.13 behaviour: ParametrizationList.forward; pytorch/pytorch#65163; "
        "test_parametrization.py::test_register_and_remove_nested_parametrization",
        needs=(_REG, _REM, _IS),
    ),
    Clause(
        id="NESTED-ASSIGN",
        area="nested",
        level=R,
        statement="Assigning to a tensor whose original is itself parametrized goes through both chains, and "
        "a parametrization stacked afterwards takes effect.",
        basis="docs: assignment works 'if all the parametrizations registered on a tensor implement right_inverse', "
        "nested ones included",
        source="torch 2.13 behaviour: ParametrizationList.right_inverse",
        needs=(_REG,),
    ),
    Clause(
        id="BUFFER-STAYS-BUFFER",
        area="buffer",
        level=R,
        statement="A parametrized buffer stays a buffer: never among parameters(), and a buffer again "
        "after removal, holding the parametrized value.",
        basis="docs: tensor_name is 'the parameter or buffer'; T3 keeps a buffer a buffer",
        source="torch 2.13 behaviour: _register_parameter_or_buffer; "
        "test_parametrization.py::test_register_and_remove_buffer_parametrization",
        needs=(_REG, _REM),
    ),
    Clause(
        id="BUFFER-PERSISTENCE-KEPT",
        area="buffer",
        level=M,
        statement="A non-persistent buffer stays out of state_dict while parametrized and after removal.",
        basis="the docs do not speak of persistence; keeping the user's persistent=False is a preference",
        source="torch 2.13 behaviour: _register_parameter_or_buffer",
        needs=(_REG, _REM),
    ),
    Clause(
        id="GRAD-FLOWS",
        area="grad",
        level=R,
        statement="Backward through a parametrized tensor gives the originals the gradient of the chain.",
        basis="docs: 'the backward pass will differentiate through parametrization'; T1, T8",
        source="test_parametrization.py::test_register_and_remove_parametrization; "
        "test_parametrization.py::test_multiple_inputs_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="GRAD-OPTIMIZER-STEP",
        area="grad",
        level=R,
        statement="An optimizer step updates the originals and the parametrized value follows.",
        basis="docs: 'the optimizer will update the tensor accordingly'; T1, T8",
        source="test_parametrization.py::test_register_and_remove_parametrization; "
        "test_parametrization.py::test_multiple_inputs_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="GRAD-REQUIRES-GRAD",
        area="grad",
        level=R,
        statement="The parametrized value requires grad exactly when an original does.",
        basis="T19 pins requires_grad=False through to the originals and the value",
        source="torch 2.13 behaviour: ParametrizationList.__init__; pytorch/pytorch#124888; "
        "test_parametrization.py::test_register_parametrization_no_grad",
        needs=(_REG,),
    ),
    Clause(
        id="GRAD-LIVE-GRAPH",
        area="grad",
        level=R,
        statement="A Parameter that a live autograd graph still holds, frozen or not, is parametrized "
        "like any other under either setting of the swap flag: the same object, reading the chain's value, and "
        "backward through the new value reaches it.",
        basis="docs: 'the backward pass will differentiate through parametrization', under either setting of torch's "
        "swap flag",
        source="torch 2.13 behaviour: _maybe_set; pytorch/pytorch#127313; found by SEQUENCE-DIFFERENTIAL",
        needs=(_REG,),
    ),
    Clause(
        id="GRAD-HOST-FORWARD",
        area="grad",
        level=R,
        statement="A host whose own forward keeps or flattens its weights (nn.RNN, nn.LSTM and nn.GRU "
        "keep _flat_weights; nn.MultiheadAttention, also on out_proj.weight; nn.Embedding; nn.ConvTranspose1d/2d) "
        "computes with the parametrized value: its output equals torch.func.functional_call of an unparametrized host "
        "with that value in place, after registering, after an assignment, after an in-place change of the "
        "originals, in eval mode under no_grad, and inside cached().",
        basis="docs: 'When accessing module.weight, the module will return the parametrized version', and a module's "
        "own forward accesses its tensors by name",
        source="docs: register_parametrization; docs: parametrizations tutorial; docs: torch.func.functional_call",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="GRAD-HOST-STEP",
        area="grad",
        level=R,
        statement="On such a host, backward through its own forward gives the originals the gradient computed "
        "by hand (functional_call with the chain's value), also after a forward under no_grad, and an optimizer step "
        "moves the originals and the host's forward with them.",
        basis="docs: 'the backward pass will differentiate through parametrization'; T1",
        source="docs: register_parametrization; test_parametrization.py::test_register_and_remove_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="QUERY-IS-PARAMETRIZED",
        area="query",
        level=R,
        statement="is_parametrized answers per module and per name, before, during and after "
        "parametrization, and is False for a non-ModuleDict 'parametrizations'.",
        basis="docs: is_parametrized's Returns; T1",
        source="docs: is_parametrized",
        needs=(_REG, _REM, _IS),
    ),
    Clause(
        id="QUERY-TYPE-BEFORE",
        area="query",
        level=R,
        statement="type_before_parametrizations gives the class the module had before any parametrization.",
        basis="docs: 'Return the module type before parametrizations were applied'; T12",
        source="docs: type_before_parametrizations; test_parametrization.py::test_type_before_parametrizations",
        needs=(_REG, _REM, _LIST, _TYPE),
    ),
    # Note: these need an adapter on an accelerator; a CPU adapter skips them, so they show as untested there.
    Clause(
        id="DEVICE-INVERSE-SAME-DEVICE",
        area="device",
        level=R,
        statement="On the device, a first registration whose right_inverse returns the tensor "
        "on another device (the CPU) raises ValueError and changes nothing, with or without unsafe.",
        basis="T6 pins the ValueError of a right_inverse that changes the device",
        source="torch 2.13 behaviour: ParametrizationList.__init__",
        needs=(_REG,),
    ),
    Clause(
        id="DEVICE-MOVE-KEEPS-IDS",
        area="device",
        level=R,
        statement="module.to(device) or .cuda() after registering on the CPU moves the originals and "
        "the parametrizations' own tensors to the device, keeps each original Parameter's id, and reading, backward, "
        "assignment and removal then work there.",
        basis="invariant: Module.to() works in place, so an optimizer built earlier keeps its Parameters",
        source="docs: nn.Module.to; torch 2.13 behaviour: _maybe_set",
        needs=(_REG, _REM),
    ),
    Clause(
        id="DEVICE-STATE-DICT-MAP-LOCATION",
        area="device",
        level=R,
        statement="A state_dict saved on the device loads with torch.load(map_location='cpu') "
        "into an identically parametrized CPU module, and back with map_location=device, reproducing the values and "
        "keeping the target's tensor ids and devices.",
        basis="T4 (the state_dict round trip), across devices as torch.load's map_location documents",
        source="docs: torch.load",
        needs=(_REG,),
    ),
    Clause(
        id="DEVICE-DEEPCOPY",
        area="device",
        level=R,
        statement="copy.deepcopy of a module parametrized on the device gives a working copy on the device, "
        "in storage of its own; moving the copy to the CPU leaves the source on the device, unchanged.",
        basis="T13 on the device; invariant: working on a copy never breaks its source",
        source="torch 2.13 behaviour: _inject_new_class",
        needs=(_REG,),
    ),
    Clause(
        id="DEVICE-TRANSFER",
        area="device",
        level=R,
        statement="transfer_parametrizations_and_params between modules on the device ties the originals "
        "there (creating a missing Parameter on the device), and the target reads the source's values.",
        basis="docs of transfer_parametrizations_and_params, on the device",
        source="docs: transfer_parametrizations_and_params",
        needs=(_REG, _TRANSFER),
    ),
    Clause(
        id="DEVICE-CACHED",
        area="device",
        level=R,
        statement="Inside cached() on the device, repeated reads return one tensor on the device, equal to "
        "the uncached value, through which gradients reach the originals.",
        basis="docs of cached(), on the device; T9",
        source="docs: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="DEVICE-NO-MEMORY-GROWTH",
        area="device",
        level=R,
        statement="1000 register/read/assign/remove cycles on a module on the device, reading "
        "inside cached() too, leave torch.cuda.memory_allocated no higher than it was.",
        basis="invariant: registering and removing in a loop must not exhaust the device's memory",
        source="torch 2.13 behaviour: remove_parametrizations; torch 2.13 behaviour: cached",
        needs=(_REG, _CACHED, _REM),
    ),
    # Note: the areas from "compile" to "subclass" check the API where users meet it inside the rest of PyTorch
    # Their clauses are costly (a compile, an export, a thread); their tests draw fewer examples (see
    # profiles.costly).
    Clause(
        id="COMPILE-VALUES",
        area="compile",
        level=R,
        statement="torch.compile of a parametrized model (backends eager and aot_eager; inductor under the "
        "thorough profile, where a compiler is found) gives the eager values, computed by hand, and gradients equal "
        "to eager ones reach the originals.",
        basis="docs of torch.compile: a compiled module computes what the module computes; invariant: no silent wrong "
        "values or gradients",
        source="docs: torch.compile; pytorch/pytorch#120914; pytorch/pytorch#121041",
        needs=(_REG,),
    ),
    Clause(
        id="COMPILE-FULLGRAPH",
        area="compile",
        level=R,
        statement="torch.compile(fullgraph=True) of a parametrized model compiles in one graph and gives "
        "the eager values, called outside cached(), inside it (and then outside again), and inside a wrapper whose "
        "forward enters cached().",
        basis="invariant: a drop-in may not break what torch compiles in one graph (its own parametrizations, "
        "inside cached() too)",
        source="docs: torch.compile; pytorch/pytorch#125771",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="COMPILE-SEES-UPDATES",
        area="compile",
        level=R,
        statement="Compiled code (swap flag on or off) reads the current value after an in-place "
        "update of the originals and after an assignment module.<name> = value made between calls.",
        basis="invariant: a compiled model never serves a value computed from tensors the module no longer holds",
        source="docs: torch.compile",
        needs=(_REG,),
    ),
    Clause(
        id="COMPILE-PER-LAYER-GRAPHS",
        area="compile",
        level=R,
        statement="12 identical parametrized layers, each compiled on its own with "
        "module.compile(backend='eager') and called once, need no more graphs than torch.nn.utils.parametrize needs "
        "for them (measured in the same test), and no call hits Dynamo's recompile limit.",
        basis="invariant: no silent fall back to eager (one graph per layer hits config.recompile_limit); torch needs one",
        source="docs: torch.compile; pytorch/pytorch#125478",
        needs=(_REG,),
    ),
    Clause(
        id="COMPILE-AFTER-CHANGE",
        area="compile",
        level=R,
        statement="module.compile() keeps giving the eager values after a parametrization is stacked "
        "on the compiled module and after remove_parametrizations (leave_parametrized True or False).",
        basis="docs of Module.compile: the compiled module stays the module; invariant: no stale or wrong values",
        source="docs: nn.Module.compile",
        needs=(_REG, _REM),
    ),
    Clause(
        id="COMPILE-REGISTER-INSIDE",
        area="compile",
        level=R,
        statement="register_parametrization (and remove_parametrizations, leave_parametrized True or "
        "False) called inside a torch.compile'd function (backends eager and aot_eager; swap flag on or off), on a "
        "module passed in or built there, raises nothing, returns the eager values and leaves the module as eager code "
        "leaves it, on the first call and on the next (another module).",
        basis="docs of torch.compile: what Dynamo cannot trace runs as Python (a graph break), so a compiled function "
        "does what it does eagerly; invariant: no crash, no skipped registration",
        source="docs: torch.compile; pytorch/pytorch#115744",
        needs=(_REG, _REM),
    ),
    Clause(
        id="EXPORT-PROGRAM",
        area="export",
        level=R,
        statement="torch.export.export, strict and non-strict, of a parametrized model gives a program whose "
        "state_dict has the parametrized layout (parametrizations.<name>.original..., and each parametrization's own "
        "state under parametrizations.<name>.<i>), the keys and values of module.state_dict(), whose parameters are "
        "the originals of parameters, and whose ep.module() equals eager on the export input and on another.",
        basis="docs of torch.export: the program's state_dict holds the module's parameters and buffers by their names",
        source="docs: torch.export; pytorch/pytorch#124524",
        needs=(_REG,),
    ),
    Clause(
        id="EXPORT-CACHED",
        area="export",
        level=R,
        statement="torch.export.export, strict and non-strict, of a parametrized model called inside cached() "
        "(a wrapper whose forward enters cached(), or an export made inside a cached() block) succeeds, keeps the "
        "parametrized state_dict layout and gives the eager output.",
        basis="torch exports inside cached(); invariant: caching may not make a model unexportable",
        source="docs: torch.export; pytorch/pytorch#167645",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="FUNCTIONAL-ORIGINALS",
        area="functional",
        level=R,
        statement="torch.func.functional_call with the originals' keys gives the plain host's forward on "
        "the chain applied to the passed tensors, gradients reach them, and the module is unchanged afterwards (its "
        "state, its own value, no gradient on its originals).",
        basis="docs of functional_call: keys '{submodule}.parametrizations.{name}.original' apply the parametrization "
        "to the value passed",
        source="docs: torch.func.functional_call",
        needs=(_REG,),
    ),
    Clause(
        id="FUNCTIONAL-TRANSFORMS",
        area="functional",
        level=R,
        statement="functional_call with the originals' keys under torch.func.grad (with respect to the "
        "dict of originals) and torch.func.vmap (over a batch of originals) gives the chain's gradients and values, "
        "and leaves the module unchanged.",
        basis="docs of torch.func: grad and vmap compose with functional_call",
        source="docs: torch.func.functional_call; docs: torch.func",
        needs=(_REG,),
    ),
    Clause(
        id="FUNCTIONAL-CACHED",
        area="functional",
        level=R,
        statement="Inside cached(), after the tensor was read, functional_call with the originals' keys "
        "still computes from the passed tensors, gradients reach them, and a read after the call gives the module's "
        "own value again.",
        basis=(
            "docs of functional_call: the call uses the tensors passed; a value cached from other tensors is a wrong value"
        ),
        source="docs: torch.func.functional_call; docs: cached",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="FUNCTIONAL-PLAIN-NAME",
        area="functional",
        level=M,
        statement="functional_call with the parametrized name itself ({'weight': W}) does what torch "
        "2.13 does: right_inverse(W) is written into the original in place under no_grad, the call computes "
        "chain(right_inverse(W)), backward reaches the module's original and not W, and right_inverse(old value) is "
        "written back into the same objects afterwards; without a right_inverse it raises RuntimeError 'does not "
        "implement right_inverse', and strict=True RuntimeError 'Unexpected key(s)', leaving the module "
        "unchanged.",
        basis="docs of functional_call say this key disables the parametrization; torch does not: pinned as torch does "
        "it, the gap to the docs is declared",
        source="docs: torch.func.functional_call; pytorch/pytorch#186565",
        needs=(_REG,),
    ),
    Clause(
        id="JIT-TRACE",
        area="jit",
        level=R,
        statement="torch.jit.trace of a parametrized model gives the eager output and gradients, and the traced "
        "module follows later in-place updates of the originals.",
        basis="docs of torch.jit.trace: the traced module reads its parameters at run time; torch traces its own",
        source="docs: torch.jit.trace; pytorch/pytorch#60969",
        needs=(_REG,),
    ),
    Clause(
        id="JIT-SCRIPT-REFUSED",
        area="jit",
        level=R,
        statement="torch.jit.script of a parametrized model fails loudly, leaving the module "
        "unchanged: either scripting raises, or it compiles and calling it raises an exception.",
        basis="invariant: scripting a parametrized module cannot work, so calling it fails loudly, as torch does",
        source="docs: torch.jit.script; pytorch/pytorch#60971",
        needs=(_REG,),
    ),
    Clause(
        id="JIT-SCRIPT-MESSAGE",
        area="jit",
        level=M,
        statement="torch.jit.script of a parametrized model refuses in torch's words: calling the "
        "compiled module raises torch.jit.Error (TorchScript's wrapper of the getter's RuntimeError), or scripting "
        "raises, containing 'Parametrization is not working with scripting.'.",
        basis="the docs and upstream tests fix no error for scripting; a message that says parametrizations do not "
        "work with scripting is a preference",
        source="torch 2.13 behaviour: _inject_property; pytorch/pytorch#60971",
        needs=(_REG,),
    ),
    Clause(
        id="JIT-TRACE-CACHED-REFUSED",
        area="jit",
        level=R,
        statement="torch.jit.trace inside cached() (the tensor read first or not) raises an "
        "exception, leaves the module unchanged, and a trace after the exit works.",
        basis="torch's behaviour; invariant: a trace made of cached values would silently freeze them",
        source="torch 2.13 behaviour: _inject_property; pytorch/pytorch#60969",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="JIT-TRACE-CACHED-MESSAGE",
        area="jit",
        level=M,
        statement="torch.jit.trace inside cached() raises RuntimeError containing 'Cannot trace a "
        "model while caching parametrizations.'.",
        basis="the docs and upstream tests fix no error for tracing inside cached(); torch's RuntimeError and "
        "sentence are a preference",
        source="torch 2.13 behaviour: _inject_property; pytorch/pytorch#60969",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="INIT-META",
        area="init",
        level=R,
        statement="A model built on the meta device (in a torch.device('meta') context or moved there), "
        "parametrized there, then to_empty(device) and load_state_dict of a parametrized state_dict reads the loaded "
        "values, keeps the parametrized layout (state_dict keys) and trains (gradients, an SGD step).",
        basis="docs of Module.to_empty and of meta-device initialisation; invariant: nothing lost on load",
        source="docs: meta device; docs: nn.Module.to_empty",
        needs=(_REG,),
    ),
    Clause(
        id="INIT-ASSIGN-LOAD",
        area="init",
        level=R,
        statement="load_state_dict(assign=True) of a parametrized state_dict, outside cached() and inside "
        "it after a read, makes the originals the loaded tensors (a buffer: the tensor itself; a Parameter: a "
        "Parameter sharing its storage, as torch makes it) and the module read, and backpropagate through, the chain "
        "of the loaded values.",
        basis="docs of load_state_dict(assign): the module's tensors become the loaded ones; invariant: no stale value",
        source="docs: nn.Module.load_state_dict",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="INIT-LAZY",
        area="init",
        level=R,
        statement="Registering on a lazy module's uninitialized tensor (LazyLinear's weight or bias) before its "
        "first forward raises an exception and leaves the module unchanged; after the first forward, registration "
        "works and the module reads the chain's value.",
        basis="docs of nn.LazyLinear: the tensors are uninitialized until the first forward; invariant: a failing "
        "call changes nothing",
        source="docs: nn.LazyLinear",
        needs=(_REG,),
    ),
    Clause(
        id="INIT-LAZY-ERROR-TYPE",
        area="init",
        level=M,
        statement="Registering on a lazy module's uninitialized tensor before its first forward "
        "raises RuntimeError, torch's error type for an uninitialized parameter.",
        basis="the docs of parametrize fix no error here; RuntimeError, what an uninitialized parameter raises when its "
        "shape is read, is a preference",
        source="docs: nn.LazyLinear",
        needs=(_REG,),
    ),
    Clause(
        id="CONVERT-DTYPE",
        area="convert",
        level=R,
        statement="module.half(), .double() and .to(dtype) of a parametrized module, with the swap flag on and "
        "off, return the module, keep the Parameter originals (ids, kind, requires_grad) as torch does, convert every "
        "original and the parametrizations' own buffers to the new dtype with the same values, keep the state_dict "
        "keys, and the module reads the chain applied to the converted originals, backward reaching them.",
        basis="docs of Module.to and of torch.__future__.set_swap_module_params_on_conversion",
        source="docs: nn.Module.to; docs: torch.__future__",
        needs=(_REG,),
    ),
    Clause(
        id="CONVERT-MEMORY-FORMAT",
        area="convert",
        level=R,
        statement="module.to(memory_format=torch.channels_last) of a parametrized Conv2d, with the swap "
        "flag on and off, keeps the Parameter originals (ids) and their values and makes them channels_last, and "
        "forward and backward equal a conv2d computed by hand with the chain's weight.",
        basis="docs of Module.to(memory_format)",
        source="docs: nn.Module.to",
        needs=(_REG,),
    ),
    Clause(
        id="CONVERT-AUTOCAST",
        area="convert",
        level=R,
        statement="Forward and backward of a parametrized model under autocast (bfloat16) give the results "
        "of the host's forward written by hand on the chain's value, under the same autocast.",
        basis="docs of torch.autocast; invariant: the chain runs as it would in the user's own forward",
        source="docs: torch.autocast",
        needs=(_REG,),
    ),
    Clause(
        id="THREADS-CACHE-LOCAL",
        area="threads",
        level=R,
        statement="While another thread holds cached() open, a thread outside any cached() gets a new "
        "object at every read, sees an in-place update of the original, and backwards twice through new reads.",
        basis="invariant: no value from another context; docs of cached() speak of 'this context manager', which a "
        "thread that never entered it is not in",
        source="docs: cached; pytorch/pytorch#72041",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="THREADS-OWN-CACHE",
        area="threads",
        level=R,
        statement="Threads that each enter cached() each get their own cached value (one object per "
        "thread, the chain run once per thread, each thread's backward passing), and leaving it in one thread does "
        "not clear the other's.",
        basis="docs of cached(): values are cached while the context manager is active and discarded when leaving it",
        source="docs: cached; pytorch/pytorch#72041",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="SUBCLASS-TENSOR-ORIGINAL",
        area="subclass",
        level=R,
        statement="Tensor-subclass originals (TwoTensor, a traceable wrapper subclass; a plain Tensor "
        "subclass; a Parameter subclass), swap flag on and off: registration, assigning a value of the same class and "
        "removal (leave_parametrized True or False) keep the original object, and its class where torch keeps it "
        "(all but a Parameter subclass under the swap flag), and the values are the chain's.",
        basis="T29 registers parametrizations on TwoTensor (a traceable wrapper subclass) and checks the types kept",
        source="pytorch/pytorch#123859; test_parametrization.py::test_wrapper_subclass_parametrization",
        needs=(_REG, _REM),
    ),
    Clause(
        id="SUBCLASS-GENERATED-CLASS",
        area="subclass",
        level=R,
        statement="When the generated class is subclassed after registration (as "
        "torch.distributed.fsdp.fully_shard does), stacking, parametrizing another tensor and removing both names "
        "work and give the right values and forward, and the module keeps the subclass's behaviour (its mixin, its "
        "own __deepcopy__).",
        basis="invariant: fully_shard (FSDP2) subclasses the module's class, and its users still stack, add and remove",
        source="docs: fully_shard; torch 2.13 behaviour: remove_parametrizations",
        needs=(_REG, _REM, _IS),
    ),
    # Note: the distributed area runs each example on the ranks of a gloo process group the suite starts
    # on 127.0.0.1 (parametrize_conformance.distributed), at every world size of --distributed-world-sizes.
    Clause(
        id="DISTRIBUTED-DDP-STEP",
        area="distributed",
        level=R,
        statement="A DistributedDataParallel training step of a parametrized model (forward outside or "
        "inside cached(), backward, SGD) equals the same step in one process on every rank's batch: each rank's "
        "outputs, the gradients of every parameter (the originals' averaged over ranks) and the state_dict after the "
        "step, on every rank.",
        basis="docs of DistributedDataParallel: training is equivalent to one process on the whole batch",
        source="docs: DistributedDataParallel",
        needs=(_REG, _CACHED),
    ),
    Clause(
        id="DISTRIBUTED-DDP-STATE-DICT",
        area="distributed",
        level=R,
        statement="The state_dict of a DDP-wrapped parametrized model has the module's keys "
        "behind 'module.', and once the prefix is consumed it loads into a plain parametrized model, which then "
        "holds the same state and computes the same forward.",
        basis="docs of DDP and of consume_prefix_in_state_dict_if_present; invariant: nothing lost on load",
        source="docs: DistributedDataParallel",
        needs=(_REG,),
    ),
    Clause(
        id="DISTRIBUTED-FSDP-STEP",
        area="distributed",
        level=R,
        statement="After fully_shard of a parametrized model, a forward on each rank's batch, the "
        "backward and an SGD step equal the same step in one process: outputs, every gradient (gathered) and the "
        "state_dict (gathered), on every rank.",
        basis="docs of fully_shard: sharding does not change what the model computes",
        source="docs: fully_shard",
        needs=(_REG,),
    ),
    Clause(
        id="DISTRIBUTED-FSDP-TYPE-BEFORE",
        area="distributed",
        level=R,
        statement="After fully_shard, the module is still parametrized and "
        "type_before_parametrizations answers the class it had before its first registration (nn.Linear, say).",
        basis="docs: type_before_parametrizations 'returns the module type before parametrizations were applied'",
        source="docs: fully_shard; docs: type_before_parametrizations",
        needs=(_REG, _IS, _TYPE),
    ),
    Clause(
        id="DISTRIBUTED-FSDP-STACK",
        area="distributed",
        level=R,
        statement="Stacking a parametrization on a tensor after fully_shard works: forward, "
        "backward and an SGD step equal one process with the stacked chain.",
        basis="docs: parametrizations may be concatenated; torch stacks after fully_shard",
        source="docs: fully_shard; docs: register_parametrization",
        needs=(_REG,),
    ),
    Clause(
        id="DISTRIBUTED-FSDP-REMOVE",
        area="distributed",
        level=R,
        statement="remove_parametrizations after fully_shard (leave_parametrized True or False) ends "
        "alike on every rank: either it raises and changes nothing (class, gathered state, and the step still "
        "equals one process), or it removes and the step equals one process on the unparametrized model.",
        basis="invariant: a failing call changes nothing; a call that returns leaves a model that trains",
        source="docs: fully_shard; docs: remove_parametrizations",
        needs=(_REG, _REM, _IS),
    ),
    Clause(
        id="DISTRIBUTED-FSDP-REGISTER-AFTER",
        area="distributed",
        level=R,
        statement="register_parametrization on a module after fully_shard ends alike on "
        "every rank: either it raises and changes nothing (the step still equals one process), or it registers and "
        "forward, backward and an SGD step equal one process with the chain.",
        basis="invariant: a registration that returns leaves a model that trains; a refused one changes nothing",
        source="docs: fully_shard; docs: register_parametrization",
        needs=(_REG, _IS),
    ),
    Clause(
        id="DISTRIBUTED-DTENSOR-ORIGINALS",
        area="distributed",
        level=R,
        statement="A DTensor Parameter (Shard(0), Shard(1) or Replicate()) can be "
        "parametrized: the original stays that object and keeps its placements through registration, an assignment "
        "of a DTensor of any placement (through right_inverse) and removal (leave_parametrized True or False); the "
        "values are the chain's, and cached() returns one object per read.",
        basis="docs: the original is the tensor; DTensor docs: placements are the tensor's layout, kept by in-place writes",
        source="docs: DTensor",
        needs=(_REG, _CACHED, _REM),
    ),
    Clause(
        id="DISTRIBUTED-CHECKPOINT",
        area="distributed",
        level=R,
        statement="torch.distributed.checkpoint save of a fully_shard parametrized model, after a "
        "step, loads into a fresh one (other initial values) on the other world size of --distributed-world-sizes: "
        "the gathered state_dict equals the saved one and the module reads the chain of the loaded originals.",
        basis="docs of torch.distributed.checkpoint: load-time resharding to another world size",
        source="docs: torch.distributed.checkpoint",
        needs=(_REG,),
    ),
    # Note: ISOLATION-SHARED-STATE: a probe that calls a missing name stops there (a raising call is
    # judged by the other clauses), so the clause still checks what the present names do.
    Clause(
        id="ISOLATION-SHARED-STATE",
        area="isolation",
        level=R,
        statement="The implementation never writes to a class it did not generate (torch.nn's module "
        "classes, nn.Parameter, torch.Tensor, the user's module and parametrization classes) and leaves torch's "
        "global module hooks, the swap-tensors and overwrite flags, grad mode, anomaly mode and the default dtype as "
        "it found them; checked by its own probe and after every other check, each change undone before the next.",
        basis="invariant: no corruption of unrelated objects (classes, global hooks and switches)",
        source="torch 2.13 behaviour: _inject_new_class",
        needs=(_REG,),
    ),
    Clause(
        id="SEQUENCE-DIFFERENTIAL",
        area="sequence",
        level=M,
        statement="Over random sequences of operations on a few models (register, stack, remove, "
        "assign, reads in and out of nested cached(), deepcopy, state_dict save and load, load_state_dict(assign=True), "
        "functional_call, transfer, train/eval, freezing, optimizer steps, pickling; a compiled forward and "
        "backward under the thorough profile), everything a user can observe matches the reference after every "
        "step, and a step that raises changes nothing.",
        basis="beyond the docs: it compares with the reference, which keeps the recommended behaviours too; each "
        "required behaviour has its own clause",
        source=(
            "docs: parametrizations tutorial; docs: register_parametrization; docs: remove_parametrizations; "
            "docs: cached; docs: transfer_parametrizations_and_params"
        ),
        needs=(_REG, _REM, _CACHED, _IS, _TYPE, _TRANSFER),
    ),
)


def by_id(records: tuple[Clause, ...]) -> dict[str, Clause]:
    """The records by id; ValueError on an id declared twice."""
    found: dict[str, Clause] = {}
    for record in records:
        if record.id in found:
            raise ValueError(f"clause {record.id} is declared twice in the clause table: keep one record")
        found[record.id] = record
    return found


CLAUSES: dict[str, Clause] = by_id(_RECORDS)
AREAS: tuple[str, ...] = tuple(dict.fromkeys(c.area for c in _RECORDS))
