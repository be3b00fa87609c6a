"""The edits a planted bug makes, applied on the AST of one function of a module, so that no formatting matters.

Every snippet (an edit's `old`, `new` or `anchor`) is Python source, compared through `ast.unparse`: whitespace, line
breaks, parentheses and quotes do not matter, comments are not code. A target must occur exactly once in the function.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass


class EditError(Exception):
    """An edit whose target is missing or ambiguous; `str(error)` says what, for the caller to name the bug."""


@dataclass(frozen=True)
class Replace:
    """`old` becomes `new`: an expression when both are expressions, else a run of statements."""

    old: str
    new: str


@dataclass(frozen=True)
class Drop:
    """The run of statements `old` is removed (a body left empty becomes `pass`)."""

    old: str


@dataclass(frozen=True)
class Insert:
    """The statements `new` go just before (or, with `after`, just after) the run of statements `anchor`."""

    anchor: str
    new: str
    after: bool = False


@dataclass(frozen=True)
class Define:
    """The definitions `new` go into the scope's own body just before the def or class named `before`."""

    new: str
    before: str


@dataclass(frozen=True)
class Negate:
    """The expression `old` (a condition) becomes `not (old)`."""

    old: str


Edit = Replace | Drop | Insert | Define | Negate


def apply_edits(source: str, function: str, edits: tuple[Edit, ...]) -> str:
    """`source` with `edits` made in `function` (a qualified name; "" for the whole module), through ast.unparse."""
    tree = ast.parse(source)
    scope = find_scope(tree, function)
    for edit in edits:
        try:
            _apply(scope, edit)
        except EditError as error:
            raise EditError(f"{error} in {f'function {function!r}' if function else 'the top level'}") from None
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def find_scope(tree: ast.Module, function: str) -> ast.AST:
    """The def or class named by the qualified name `function` ('ParametrizationList.__init__'); "" is the module."""
    scope: ast.AST = tree
    for part in function.split(".") if function else ():
        found = [n for n in getattr(scope, "body", ()) if _is_def(n) and n.name == part]
        if len(found) != 1:
            raise EditError(
                f"function {function!r} not found"
                if not found
                else f"function {function!r}: {part!r} is defined {len(found)} times"
            )
        scope = found[0]
    return scope


def _is_def(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


def _apply(scope: ast.AST, edit: Edit) -> None:
    if isinstance(edit, Negate):
        _replace_expression(scope, edit.old, lambda node: ast.UnaryOp(ast.Not(), node))
    elif isinstance(edit, Replace) and _is_expression(edit.old) and _is_expression(edit.new):
        new = _expression(edit.new)
        _replace_expression(scope, edit.old, lambda node: new)
    elif isinstance(edit, Replace):
        _splice(scope, edit.old, lambda old: _statements(edit.new))
    elif isinstance(edit, Drop):
        _splice(scope, edit.old, lambda old: [])
    elif isinstance(edit, Define):
        _define(scope, edit.new, edit.before)
    else:
        placed = (lambda old: old + _statements(edit.new)) if edit.after else (lambda old: _statements(edit.new) + old)
        _splice(scope, edit.anchor, placed)


def _is_expression(text: str) -> bool:
    try:
        ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return False
    return True


def _expression(text: str) -> ast.expr:
    return ast.parse(text.strip(), mode="eval").body


def _statements(text: str) -> list[ast.stmt]:
    try:
        return ast.parse(textwrap.dedent(text)).body
    except SyntaxError as error:
        raise EditError(f"the snippet {text.strip()!r} is not Python ({error.msg}): quote whole statements") from None


def _replace_expression(scope: ast.AST, old: str, make) -> None:
    wanted = ast.unparse(_expression(old))
    found = [
        (parent, field, i, child)
        for parent, field, i, child in _children(scope)
        if isinstance(child, ast.expr) and ast.unparse(child) == wanted
    ]
    parent, field, i, child = _only(found, old)
    if i is None:
        setattr(parent, field, make(child))
    else:
        getattr(parent, field)[i] = make(child)


def _splice(scope: ast.AST, old: str, make) -> None:
    wanted = [ast.unparse(s) for s in _statements(old)]
    found = [
        (body, i)
        for body in _bodies(scope)
        for i in range(len(body) - len(wanted) + 1)
        if [ast.unparse(s) for s in body[i : i + len(wanted)]] == wanted
    ]
    body, i = _only(found, old)
    body[i : i + len(wanted)] = make(body[i : i + len(wanted)])
    if not body:
        body.append(ast.Pass())


def _define(scope: ast.AST, new: str, before: str) -> None:
    body = getattr(scope, "body", [])
    i, _ = _only([(i, n) for i, n in enumerate(body) if _is_def(n) and n.name == before], f"def {before}")
    body[i:i] = _statements(new)


def _only(found: list, old: str):
    if len(found) != 1:
        how = "not found" if not found else f"occurs {len(found)} times (quote more of it, so that it occurs once)"
        raise EditError(f"{old.strip()!r} {how}")
    return found[0]


def _children(node: ast.AST) -> Iterator[tuple[ast.AST, str, int | None, ast.AST]]:
    """(parent, field, index or None, child) for every node under `node`; an f-string is one node (not entered)."""
    for field, value in ast.iter_fields(node):
        for i, child in enumerate(value) if isinstance(value, list) else ((None, value),):
            if isinstance(child, ast.AST):
                yield node, field, i, child
                if not isinstance(child, ast.JoinedStr):
                    yield from _children(child)


def _bodies(node: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every list of statements under `node`, its own body included."""
    for _, value in ast.iter_fields(node):
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for _, _, _, child in _children(node):
        for _, value in ast.iter_fields(child):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield value
