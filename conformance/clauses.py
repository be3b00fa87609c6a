"""The clause table: every check of the suite, by stable id, with its area, statement and source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    """One clause of the contract: `id` names exactly one test function, `test_<id lowercased, - as _>`."""

    id: str
    area: str
    statement: str
    source: str

    @property
    def test_name(self) -> str:
        return "test_" + self.id.lower().replace("-", "_")


# (id, statement, source). Sources: contract sections (§), upstream test_parametrization.py tests (T#), issues.
_TABLE: dict[str, list[tuple[str, str, str]]] = {
    "register": [
        ("REGISTER-RETURNS-MODULE", "register_parametrization returns the very module it was given.", "§2"),
        ("REGISTER-CLASS-SWAP", "The module's class becomes Parametrized<Cls>, a direct subclass of its class.", "§2.2, T1"),
        ("REGISTER-ORIGINAL-KEPT", "The tensor leaves _parameters/_buffers and becomes parametrizations[name].original: "
         "the same object, of the same kind, with the same requires_grad.", "§2.4, T1, T3"),
        ("REGISTER-VALUE", "Reading module.name gives the chain's forward applied to the original.", "§0, §3.3"),
        ("REGISTER-INVERSE-APPLIED", "The first registration stores right_inverse(old value) in the original; a "
         "missing right_inverse or one raising NotImplementedError counts as the identity.", "§3.1, T5"),
        ("REGISTER-CALL-ORDER", "A first registration calls right_inverse then forward; stacking calls the existing "
         "chain, the new forward, then the new right_inverse.", "§2.1, §3.1"),
        ("REGISTER-STACK-COMPOSES", "A stacked parametrization applies to the previous chain's output, and stacking "
         "never changes the stored originals.", "§2.1, T1"),
        ("REGISTER-SEVERAL-TENSORS", "Several tensors of one module can be parametrized independently; one class "
         "swap covers them all.", "T1"),
        ("REGISTER-UNKNOWN-NAME", "A name that is not a parameter, buffer or parametrized tensor raises ValueError "
         "and changes nothing.", "§2.1 case C, T6"),
        ("REGISTER-FORWARD-CHECKED", "Without unsafe, a first registration whose forward returns a non-tensor, "
         "another dtype or another shape raises ValueError and changes nothing.", "§3.1 step 7, T6"),
        ("REGISTER-INVERSE-CHECKED", "A first registration whose right_inverse returns a non-tensor, a sequence "
         "with a non-tensor, another dtype or another device raises ValueError and changes nothing.", "§3.1, T6"),
        ("REGISTER-EMPTY-LIST", "ParametrizationList with no modules raises ValueError.", "§3.1 step 1"),
        ("REGISTER-NOT-A-MODULE", "A parametrization that is not an nn.Module is refused with TypeError, and "
         "nothing changes.", "§17.16"),
        ("REGISTER-NONE-SLOT", "Parametrizing a None parameter slot raises ValueError, and nothing changes.", "§17.16"),
        ("REGISTER-RESERVED-NAME", "A module that already holds an attribute named 'parametrizations' is refused "
         "with ValueError rather than having it replaced.", "§17.17"),
        ("REGISTER-ATOMIC", "A first registration that fails leaves the tensor's values untouched, not only the "
         "module's structure.", "§3.1 not atomic, §17.2"),
        ("REGISTER-HOOKS-FIRE", "Reading a parametrized tensor calls each parametrization as a module call: forward "
         "pre-hooks and forward hooks on a parametrization, and global module forward (pre-)hooks, fire on every read; "
         "full backward (pre-)hooks on a parametrization, and global backward (pre-)hooks, fire on backward through "
         "the value.", "§11, issue 5 (mutation survivors)"),
    ],
    "stack": [
        ("STACK-FORWARD-CHECKED", "Without unsafe, stacking a parametrization whose output is a non-tensor, or has "
         "another dtype or shape, raises ValueError and leaves the list as it was.", "§2.1 case A, T7"),
        ("STACK-INVERSE-CHECKED", "Without unsafe, stacking a parametrization whose right_inverse output is a "
         "non-tensor, or has another dtype or shape, raises ValueError and leaves the list as it was; "
         "NotImplementedError skips the check.", "§2.1 case A, T7"),
    ],
    "unsafe": [
        ("UNSAFE-SHAPE-ALLOWED", "With unsafe=True a parametrization may change the tensor's shape.", "§2.1, T1"),
        ("UNSAFE-DTYPE-ALLOWED", "With unsafe=True a parametrization may change the tensor's dtype.", "§2.1"),
        ("UNSAFE-STICKY", "A list's unsafe flag, once set, stays set when safe parametrizations are stacked.", "§2.1, T1"),
        ("UNSAFE-SKIPS-CALLS", "With unsafe=True a first registration calls only right_inverse, and stacking calls "
         "neither forward nor right_inverse.", "§2.1, §3.1"),
    ],
    "multi": [
        ("MULTI-ORIGINALS", "A right_inverse returning a sequence gives original0..N-1: Parameters with the "
         "source's requires_grad if it was a Parameter, buffers otherwise.", "§2.4, T8, T19"),
        ("MULTI-SINGLE-SEQUENCE", "A right_inverse returning a length-1 sequence gives original0, not original.",
         "§17.14, T6"),
        ("MULTI-VALUE", "A multi-input forward receives the originals in order; single-input parametrizations "
         "stack on top of it.", "§3.3, T8"),
        ("MULTI-ARITY", "A forward whose arity does not match the originals raises TypeError and changes nothing.",
         "§3.1 step 7, T6"),
    ],
    "assign": [
        ("ASSIGN-ROUND-TRIP", "Assigning module.name = X runs the right_inverses in reverse order; reading gives X "
         "back for exact inverses.", "§3.2, T5"),
        ("ASSIGN-KEEPS-ID", "Assignment writes into the original object in place: its id, kind and requires_grad "
         "are kept.", "§3.2, §10"),
        ("ASSIGN-NO-GRAD", "Assignment runs right_inverse under no_grad and keeps no autograd link to the "
         "assigned value.", "§3.2"),
        ("ASSIGN-NO-INVERSE", "Assigning through a parametrization without right_inverse raises RuntimeError and "
         "changes nothing.", "§3.2"),
        ("ASSIGN-NOT-IMPLEMENTED", "A right_inverse raising NotImplementedError propagates on assignment.", "§3.2"),
        ("ASSIGN-DTYPE-CHECKED", "An assignment whose right_inverse output has another dtype raises ValueError and "
         "changes nothing.", "§3.2"),
        ("ASSIGN-SHAPE-CHECKED", "Without unsafe, an assignment whose right_inverse output has another shape raises "
         "ValueError and changes nothing.", "§3.2, §17.4"),
        ("ASSIGN-MULTI", "Assignment through a multi-input parametrization writes every original; a sequence of the "
         "wrong length raises ValueError.", "§3.2"),
        ("ASSIGN-MULTI-ATOMIC", "A multi-input assignment that fails on a later element leaves every original as "
         "it was.", "§3.2, §17.3"),
        ("ASSIGN-PARAMETER-REFUSED", "Assigning an nn.Parameter to a parametrized name raises KeyError and changes "
         "nothing.", "§3.2, §11"),
    ],
    "remove": [
        ("REMOVE-LEAVE-PARAMETRIZED", "remove_parametrizations(leave_parametrized=True) keeps the parametrized value "
         "in the same original object, of the same kind, and returns the module.", "§4.1, T1"),
        ("REMOVE-LEAVE-ORIGINAL", "leave_parametrized=False restores the stored original value in the same object.",
         "§4.1, T1"),
        ("REMOVE-RESTORES-CLASS", "Removing the last parametrization restores the original class and deletes "
         "'parametrizations'; removing one of several keeps the others working.", "§4.3, T1"),
        ("REMOVE-NOT-PARAMETRIZED", "Removing a name that is not parametrized raises ValueError and changes nothing.",
         "§4, T6"),
        ("REMOVE-MULTI", "A multi-input tensor is removed with leave_parametrized=True as its value; "
         "leave_parametrized=False raises ValueError and changes nothing.", "§4.2, T8"),
        ("REMOVE-MULTI-KEEPS-KIND", "Removing a multi-input parametrization of a Parameter gives back a Parameter, "
         "frozen or not.", "§4.2, §17.6"),
        ("REMOVE-KEEPS-ORDER", "A register/remove round trip keeps the order of parameters and of state_dict keys.",
         "§4.3, §17.7"),
        ("REMOVE-UNSAFE-SHAPE", "Removing a shape-changing unsafe parametrization leaves the new shape in the same "
         "object.", "§4.1"),
        ("REMOVE-VIEW-VALUE", "A parametrization whose value or right_inverse is a view of its input (a flatten, a "
         "transpose) registers, and removes with leave_parametrized=True, under either setting of the swap flag, "
         "frozen or not: the same object holds the value.", "§4, §16, issue 5 (found by SEQUENCE-DIFFERENTIAL)"),
    ],
    "cache": [
        ("CACHE-SAME-OBJECT", "Inside cached(), repeated reads return the same tensor and run the chain once.",
         "§8, T9"),
        ("CACHE-NESTED", "Nested cached() contexts keep the cache until the outermost one exits.", "§8"),
        ("CACHE-CLEARED-ON-EXIT", "Leaving cached(), even by an exception, clears the cache.", "§8"),
        ("CACHE-PER-TENSOR", "The cache holds one value per module and per tensor name.", "§8, T10"),
        ("CACHE-NO-ALIEN", "Within one cached() context a module never receives a value computed for another "
         "module, even one freed earlier in the context.", "§8, §17.8"),
        ("CACHE-ASSIGN-INVALIDATES", "An assignment inside cached() is seen by the next read.", "§8, §17.8"),
        ("CACHE-NO-STALE", "Inside cached(), a read after an original changed in place, or after a parametrization "
         "was stacked, gives the new value.", "§8"),
        ("CACHE-GRAD", "Gradients flow through a cached value to the original.", "§8"),
    ],
    "copy": [
        ("COPY-DEEPCOPY-EQUAL", "copy.deepcopy of a parametrized module gives equal values in distinct objects, "
         "and a working parametrized copy.", "§9, T13"),
        ("COPY-INDEPENDENT", "After a deepcopy, registering or removing parametrizations on either module leaves the "
         "other unchanged and working.", "§17.1"),
        ("COPY-USER-DEEPCOPY", "A module class with its own __deepcopy__ keeps using it once parametrized.", "§2.2, T13"),
    ],
    "serial": [
        ("SERIAL-PICKLE-REFUSED", "pickle.dumps, copy.copy and torch.save of a parametrized module raise "
         "RuntimeError pointing to state_dict().", "§9, T4, T27"),
        ("SERIAL-STATE-DICT-KEYS", "state_dict keys are parametrizations.<name>.original[i] plus the "
         "parametrizations' own state under parametrizations.<name>.<index>.", "§9, T20"),
        ("SERIAL-ROUND-TRIP", "A state_dict loads into a fresh, identically parametrized module, reproducing its "
         "values and keeping the target's tensor ids.", "§9, T4"),
        ("SERIAL-STRICT-KEYS", "Loading an unparametrized state_dict into a parametrized module fails under strict "
         "mode, naming the missing and unexpected keys.", "§9, T20"),
        ("SERIAL-WEIGHTS-ONLY", "A saved state_dict loads back with torch.load(weights_only=True).", "§9"),
    ],
    "transfer": [
        ("TRANSFER-ALL", "transfer_parametrizations_and_params moves every parametrized tensor: the target reads "
         "the same values, shares the parametrization modules and ties the originals.", "§7, T14"),
        ("TRANSFER-ONE-NAME", "With tensor_name, only that tensor is transferred.", "§7, T16"),
        ("TRANSFER-MISSING-TARGET", "A name missing from the target is created there before the transfer.", "§7, T14"),
        ("TRANSFER-MULTI", "A multi-input parametrization transfers with every original tied.", "§7, T17"),
        ("TRANSFER-NOT-PARAMETRIZED", "Transferring from an unparametrized module does nothing and returns the "
         "target.", "§7"),
        ("TRANSFER-BUFFER", "A parametrized buffer transferred to a target lacking it arrives as a buffer.",
         "§7, §17.11"),
        ("TRANSFER-ATOMIC", "A transfer that fails leaves the target and the source exactly as they were.",
         "§7, §17.11"),
        ("TRANSFER-SELF", "Transferring a parametrized module's parametrizations onto itself is refused with "
         "ValueError, and nothing changes.", "§7, issue 5 (found by SEQUENCE-DIFFERENTIAL)"),
        ("TRANSFER-CACHE-SEPARATE", "After a transfer, each module caches its own value.", "§7, T10"),
    ],
    "training": [
        ("TRAIN-SYNC-AT-REGISTER", "Registration sets the parametrization's training flag from the module.", "§2.1, T11"),
        ("TRAIN-PROPAGATES", "module.train()/eval() reach the parametrizations afterwards.", "§2.1"),
    ],
    "nested": [
        ("NESTED-REGISTER-REMOVE", "The original inside a ParametrizationList can itself be parametrized, and "
         "removal restores each class.", "§3.3, T2"),
        ("NESTED-ASSIGN", "Assigning to a tensor whose original is itself parametrized goes through both chains, and "
         "a parametrization stacked afterwards takes effect.", "§3.3"),
    ],
    "buffer": [
        ("BUFFER-STAYS-BUFFER", "A parametrized buffer stays a buffer: never among parameters(), and a buffer again "
         "after removal, holding the parametrized value.", "§2.4, T3"),
        ("BUFFER-PERSISTENCE-KEPT", "A non-persistent buffer stays out of state_dict while parametrized and after "
         "removal.", "§2.4, §17.5"),
    ],
    "grad": [
        ("GRAD-FLOWS", "Backward through a parametrized tensor gives the originals the gradient of the chain.", "T1, T8"),
        ("GRAD-OPTIMIZER-STEP", "An optimizer step updates the originals and the parametrized value follows.", "T1, T8"),
        ("GRAD-REQUIRES-GRAD", "The parametrized value requires grad exactly when an original does.", "§2.4, T19"),
        ("GRAD-LIVE-GRAPH", "A Parameter that a live autograd graph still holds, frozen or not, is parametrized "
         "like any other under either setting of the swap flag: the same object, reading the chain's value, and "
         "backward through the new value reaches it.", "§2.4, §16, issue 5 (found by SEQUENCE-DIFFERENTIAL)"),
    ],
    "query": [
        ("QUERY-IS-PARAMETRIZED", "is_parametrized answers per module and per name, before, during and after "
         "parametrization, and is False for a non-ModuleDict 'parametrizations'.", "§5"),
        ("QUERY-TYPE-BEFORE", "type_before_parametrizations gives the class the module had before any "
         "parametrization.", "§6, T12"),
    ],
    # Note: these need an adapter on an accelerator; a CPU adapter skips them, so they show as untested there.
    "device": [
        ("DEVICE-INVERSE-SAME-DEVICE", "On the device, a first registration whose right_inverse returns the tensor "
         "on another device (the CPU) raises ValueError and changes nothing, with or without unsafe.", "§3.1 step 5"),
        ("DEVICE-MOVE-KEEPS-IDS", "module.to(device) or .cuda() after registering on the CPU moves the originals and "
         "the parametrizations' own tensors to the device, keeps each original Parameter's id, and reading, backward, "
         "assignment and removal then work there.", "§10, §16"),
        ("DEVICE-STATE-DICT-MAP-LOCATION", "A state_dict saved on the device loads with torch.load(map_location='cpu') "
         "into an identically parametrized CPU module, and back with map_location=device, reproducing the values and "
         "keeping the target's tensor ids and devices.", "§9"),
        ("DEVICE-DEEPCOPY", "copy.deepcopy of a module parametrized on the device gives a working copy on the device, "
         "in storage of its own; moving the copy to the CPU leaves the source on the device, unchanged.",
         "§9, §17.1"),
        ("DEVICE-TRANSFER", "transfer_parametrizations_and_params between modules on the device ties the originals "
         "there (creating a missing Parameter on the device), and the target reads the source's values.", "§7"),
        ("DEVICE-CACHED", "Inside cached() on the device, repeated reads return one tensor on the device, equal to "
         "the uncached value, through which gradients reach the originals.", "§8"),
        ("DEVICE-NO-MEMORY-GROWTH", "1000 register/read/assign/remove cycles on a module on the device, reading "
         "inside cached() too, leave torch.cuda.memory_allocated no higher than it was.", "§4.3, §8"),
    ],
    "isolation": [
        ("ISOLATION-SHARED-STATE", "The implementation never writes to a class it did not generate (torch.nn's module "
         "classes, nn.Parameter, torch.Tensor, the user's module and parametrization classes) and leaves torch's "
         "global module hooks, the swap-tensors and overwrite flags, grad mode, anomaly mode and the default dtype as "
         "it found them; checked by its own probe and after every other check, each change undone before the next.",
         "issue 11"),
    ],
    "sequence": [
        ("SEQUENCE-DIFFERENTIAL", "Over random sequences of operations on a few models (register, stack, remove, "
         "assign, reads in and out of nested cached(), deepcopy, state_dict save and load, transfer, train/eval, "
         "freezing, optimizer steps, pickling), everything a user can observe matches the reference after every "
         "step, and a step that raises changes nothing.", "§2-§9, issue 5"),
    ],
}

CLAUSES: dict[str, Clause] = {
    cid: Clause(cid, area, statement, source) for area, rows in _TABLE.items() for cid, statement, source in rows
}
AREAS: tuple[str, ...] = tuple(_TABLE)
