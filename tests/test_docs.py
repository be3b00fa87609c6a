"""The docs hold together: the README stays short, every relative link between the README, CONTRIBUTING.md and docs/
resolves (its anchor too), no page cites a section sign or an issue number, prose is wrapped, and the divergences page
lists the clauses the torch adapter declares. Fast: reads files only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from parametrize_conformance import CLAUSES, spec

PAGES = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])
README_MAX_LINES = 250
LINE_MAX = 125
_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_ISSUE = re.compile(r"\bissues?\s+#?\d+|(?<![\w/])#\d+\b", re.I)


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _prose(text: str) -> str:
    """The text outside fenced code blocks, with code spans blanked (a link's text may be code)."""
    return _CODE_SPAN.sub("code", _FENCE.sub("", text))


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its rendered text, lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.replace("`", ""))
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page: its headings' slugs (numbered when repeated) and its <a id> tags."""
    text = page.read_text(encoding="utf-8")
    found: set[str] = set(re.findall(r'<a id="([^"]+)"></a>', text))
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} (.+)$", _FENCE.sub("", text), re.M):
        slug = _slug(heading)
        found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return found


def test_the_pages_exist_and_the_readme_links_each():
    assert {_name(p) for p in PAGES} >= {
        "README.md",
        "CONTRIBUTING.md",
        "docs/user-guide.md",
        "docs/design.md",
        "docs/divergences.md",
        "docs/benchmarks.md",
    }
    links = set(_LINK.findall(_prose((ROOT / "README.md").read_text(encoding="utf-8"))))
    missing = [_name(p) for p in PAGES if p.name != "README.md" and _name(p) not in links]
    assert not missing, f"README.md does not link {missing}"


def test_the_readme_is_short():
    lines = len((ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/ (at most {README_MAX_LINES})"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_resolves(page):
    broken = []
    for target in _LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # http:, https:, mailto:
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target} (no such anchor in {resolved.relative_to(ROOT)})")
    assert not broken, f"{_name(page)}: broken links: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_no_section_sign_or_issue_number(page):
    text = page.read_text(encoding="utf-8")
    assert "§" not in text, f"{_name(page)} cites a section (§)"
    cited = _ISSUE.findall(text)
    assert not cited, f"{_name(page)} cites issue numbers: {cited}"


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_prose_is_wrapped(page):
    # Note: table rows cannot wrap in Markdown; code blocks and prose are held to the project's line length.
    long = [
        n
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > LINE_MAX and not line.startswith("|")
    ]
    assert not long, f"{_name(page)}: lines over {LINE_MAX} characters: {long}"


def test_the_divergences_page_lists_the_declared_clauses():
    text = (ROOT / "docs" / "divergences.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\(\.\./conformance/SPEC\.md#([A-Z0-9-]+)\)", text.split("\n## Where torch was right")[0]))
    declared = {c for c in CLAUSES if spec.divergences_on(c)}
    assert listed == declared, (
        f"listed but not declared: {sorted(listed - declared)}; declared but not listed: {sorted(declared - listed)}"
    )
    levels = [CLAUSES[c].level for c in declared]
    assert (
        f"diverges on {len(declared)} clauses: {levels.count('required')} required and "
        f"{levels.count('recommended')} recommended"
    ) in " ".join(text.split())
