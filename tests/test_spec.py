"""The spec page (conformance/SPEC.md) is the one the clause table generates, and every source in it is readable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch.nn.utils.parametrize as P

from conformance import CLAUSES, spec
from conformance.sources import SEPARATOR, UPSTREAM_TESTS, behaviour_functions, references

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "conformance" / "SPEC.md"
STALE = "conformance/SPEC.md is out of date: run python -m conformance.spec"
_BARE_TEST_NUMBER = re.compile(r"\bT\d+\b")


def test_the_committed_page_is_the_generated_one():
    assert PAGE.read_text(encoding="utf-8") == spec.render(), STALE


def test_every_clause_appears_with_its_anchor_and_heading():
    page = PAGE.read_text(encoding="utf-8")
    anchors = re.findall(r'<a id="([^"]+)"></a>', page)
    assert len(anchors) == len(set(anchors)), "an anchor appears twice"
    missing = [c for c in CLAUSES if f'<a id="{c}"></a>\n\n### {c}\n' not in page]
    assert not missing, f"clauses without their anchor and heading on the page: {missing}"


def test_no_section_sign_or_bare_test_number_in_any_source():
    cited = {c.id: c.source for c in CLAUSES.values() if "§" in c.source or _BARE_TEST_NUMBER.search(c.source)}
    assert not cited, f"sources citing the working document or an upstream test by number: {cited}"
    assert "§" not in PAGE.read_text(encoding="utf-8"), "the page cites a section of the working document"


def test_every_source_reference_resolves():
    for clause in CLAUSES.values():
        refs = references(clause.source)
        assert len(refs) == len(set(refs)) == len(clause.source.split(SEPARATOR)), clause.id
        found_by = [r.url[1:] for r in refs if r.url.startswith("#")]
        assert all(other in CLAUSES for other in found_by), f"{clause.id}: found by an unknown clause {found_by}"


def test_every_torch_behaviour_names_a_function_of_parametrize():
    for clause in CLAUSES.values():
        for name in behaviour_functions(clause.source):
            owner, _, attribute = name.partition(".")
            assert hasattr(P, owner) and (not attribute or hasattr(getattr(P, owner), attribute)), (clause.id, name)


def test_every_test_number_in_a_basis_names_an_upstream_test():
    for clause in CLAUSES.values():
        numbers = [int(n) for n in re.findall(r"\bT(\d+)\b", clause.basis)]
        assert all(1 <= n <= len(UPSTREAM_TESTS) for n in numbers), (clause.id, numbers)
        rendered = spec.readable(clause.basis)
        assert all(f"T{n} (`{UPSTREAM_TESTS[n - 1]}`)" in rendered for n in numbers), clause.id


def test_the_page_states_the_statuses_of_the_committed_torch_baseline():
    baseline = json.loads((ROOT / "reports" / "baseline" / "torch.json").read_text())["clauses"]
    meaning = {"passed": "conforms", "diverged": "diverges", "untested": "untested"}
    differ = {c: (entry["status"], spec.torch_status(CLAUSES[c])) for c, entry in baseline.items()
              if meaning.get(entry["status"]) != spec.torch_status(CLAUSES[c])}
    assert not differ, f"baseline status vs the page's: {differ}"


def test_the_page_does_not_depend_on_the_order_of_the_divergences():
    assert spec.render(divergences=tuple(reversed(spec.TORCH_DIVERGENCES))) == spec.render()


def test_check_says_in_one_line_what_to_run_when_the_page_is_stale(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(spec, "DEFAULT_OUT", tmp_path / "SPEC.md")
    assert spec.main(["--check"]) == 1
    assert capsys.readouterr().err == STALE + "\n"
    assert spec.main([]) == 0 and spec.main(["--check"]) == 0
    (tmp_path / "SPEC.md").write_text("edited by hand\n")
    assert spec.main(["--check"]) == 1 and capsys.readouterr().err == STALE + "\n"


def test_check_of_another_path_names_it_in_the_command(tmp_path, capsys):
    out = tmp_path / "page.md"
    assert spec.main(["--out", str(out), "--check"]) == 1
    assert capsys.readouterr().err == f"{out} is out of date: run python -m conformance.spec --out {out}\n"
    assert spec.main(["--out", str(out)]) == 0 and out.read_text(encoding="utf-8") == spec.render()


def test_the_readme_links_the_page():
    section = (ROOT / "README.md").read_text().split("## What is checked", 1)[1].split("\n## ", 1)[0]
    assert "(conformance/SPEC.md)" in section
