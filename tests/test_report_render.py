"""The matrix renderers: the Markdown and the self-contained HTML matrix of several reports, and the HTML in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from parametrize_conformance.clauses import Clause
from parametrize_conformance.report import STATUSES, build_report, validate
from parametrize_conformance.report._html import ink, render_html
from parametrize_conformance.report._markdown import render_markdown
from parametrize_conformance.report._matrix import STATUS_COLOUR, STATUS_SYMBOL

_OUTCOMES_OF = {
    "passed": ["passed"],
    "failed": ["failed"],
    "diverged": ["xfailed"],
    "unexpected-pass": ["xpassed"],
    "untested": [],
    "crashed": ["crashed"],
    "timeout": ["timeout"],
    "aborted": ["aborted"],
}
_ENVIRONMENT = {
    "python": "3.11.7",
    "platform": "Linux",
    "torch": "2.13.0",
    "hypothesis": "6.100.0",
    "pytest": "8.0.0",
    "device": {"type": "cpu", "name": "cpu", "cuda_runtime": None, "cuda_driver": None, "gpu": None},
}
HOSTILE = "<script>alert(1)</script> & \"quoted\" 'single' | pipe"


def make_report(
    statuses: dict[str, str], adapter: str = "torch", *, text: str = "", statement: str = "", version: str = "0.1.0"
) -> dict:
    """A valid report whose clauses (named by `statuses`' keys, in order; the area is the id's first word, lowercased)
    have the given statuses; `text` ends every reason, message and reproducer, `statement` every statement."""
    clauses = {c: Clause(c, c.split("-")[0].lower(), statement or f"Statement of {c}.", "§0") for c in statuses}
    declared = {c: f"reason of {c}{text}" for c, s in statuses.items() if s in ("diverged", "unexpected-pass")}
    header = {
        "suite": {
            "name": "parametrize-conformance",
            "version": version,
            "commit": "abc1234" + "0" * 33,
            "clause_count": len(statuses),
        },
        "adapter": {
            "name": adapter,
            "spec": adapter,
            "version": "1.0",
            "device": "cpu",
            "dtypes": ["float32"],
            "import_line": f"import {adapter} as P",
            "declared": len(declared),
        },
        "environment": _ENVIRONMENT,
        "declared": declared,
    }
    results = [
        {
            "nodeid": f"conformance/test_x.py::test_{c}",
            "clause": c,
            "outcome": outcome,
            "duration_s": 0.01,
            "message": f"AssertionError: {c} broke{text}",
            "reproducer": f"Reproducer:\n    P.check({c!r}){text}",
        }
        for c, s in statuses.items()
        for outcome in _OUTCOMES_OF[s]
    ]
    run = {
        "started": "2025-01-01T00:00:00+00:00",
        "finished": "2025-01-01T00:01:00+00:00",
        "duration_s": 60.0,
        "hypothesis_profile": "ci",
        "hypothesis_seed": None,
        "derandomize": True,
        "arguments": ["conformance"],
        "exit": "completed",
        "message": "",
        "restarts": 0,
        "isolated": False,
    }
    report = build_report(header, results, run, clauses)
    validate(report)
    return report


REFERENCE = {"REGISTER-A": "passed", "REGISTER-B": "passed", "STACK-A": "passed", "CACHE-A": "passed"}
TORCH = {"REGISTER-A": "passed", "REGISTER-B": "diverged", "STACK-A": "failed", "CACHE-A": "unexpected-pass"}


@pytest.fixture
def two_reports() -> list[dict]:
    """An adapter where every clause passed and one with a divergence, a failure and an unexpected pass."""
    return [make_report(REFERENCE, "reference"), make_report(TORCH, "torch")]


def table_row(markdown: str, clause: str) -> list[str]:
    """The cells of the matrix row of `clause` (split on unescaped pipes)."""
    line = next(line for line in markdown.splitlines() if line.startswith(f"| {clause} |"))
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]


# Markdown


def test_markdown_has_every_clause_and_adapter(two_reports):
    markdown = render_markdown(two_reports)
    for clause in REFERENCE:
        assert table_row(markdown, clause)[0] == clause
    for name in ("reference", "torch"):
        assert f"\n| {name} | 1.0 | cpu | 2.13.0 | 0.1.0 @ abc1234, 4 clauses | ci | completed in 60.0 s |" in markdown
    assert "| clause | statement | reference | torch |" in markdown


def test_markdown_cells_carry_symbol_and_status(two_reports):
    markdown = render_markdown(two_reports)
    assert table_row(markdown, "REGISTER-B") == ["REGISTER-B", "Statement of REGISTER-B.", "✓ passed", "~ diverged"]
    assert table_row(markdown, "STACK-A")[2:] == ["✓ passed", "✗ failed"]
    assert table_row(markdown, "CACHE-A")[2:] == ["✓ passed", "! unexpected-pass"]
    assert "✓ 1 passed, ! 1 unexpected-pass, ~ 1 diverged, ✗ 1 failed" in markdown
    for status in STATUSES:
        assert f"{STATUS_SYMBOL[status]} {status}" in markdown.split("**Legend:**")[1].splitlines()[0]


def test_markdown_groups_by_area_in_order_of_first_appearance(two_reports):
    markdown = render_markdown(two_reports)
    headings = re.findall(r"^### (\w+) \((\d+) clauses\)$", markdown, flags=re.MULTILINE)
    assert headings == [("register", "2"), ("stack", "1"), ("cache", "1")]
    at = {c: markdown.index(f"| {c} |") for c in REFERENCE}
    assert markdown.index("### register") < at["REGISTER-A"] < at["REGISTER-B"] < markdown.index("### stack")
    assert markdown.index("### stack") < at["STACK-A"] < markdown.index("### cache") < at["CACHE-A"]


def test_markdown_escapes_pipes_and_keeps_cells_on_one_line():
    report = make_report({"REGISTER-A": "diverged"}, statement="a | b\nc", text=" | piped")
    markdown = render_markdown([report])
    assert table_row(markdown, "REGISTER-A") == ["REGISTER-A", r"a \| b c", "~ diverged"]
    assert r"- torch / REGISTER-A (diverged): reason of REGISTER-A \| piped" in markdown
    assert r"\<script>" in render_markdown([make_report({"REGISTER-A": "failed"}, text=HOSTILE)])


def test_markdown_notes_carry_reasons_messages_and_reproducers(two_reports):
    notes = render_markdown(two_reports).split("## Notes")[1]
    assert "- torch / REGISTER-B (diverged): reason of REGISTER-B\n" in notes
    assert "- torch / CACHE-A (unexpected-pass): passed although declared as a divergence: reason of CACHE-A" in notes
    assert (
        "- torch / STACK-A (failed): AssertionError: STACK-A broke\n\n"
        "  ```text\n  Reproducer:\n      P.check('STACK-A')\n  ```\n"
    ) in notes
    assert "reference /" not in notes and "REGISTER-A" not in notes


def test_markdown_fence_outgrows_backticks_in_a_reproducer():
    markdown = render_markdown([make_report({"REGISTER-A": "failed"}, text="\n```\nnot the end")])
    assert "  ````text\n  Reproducer:" in markdown and "  ```\n  not the end\n  ````\n" in markdown


def test_markdown_all_passed_has_no_notes():
    assert "## Notes\n\nEvery clause of every adapter passed.\n" in render_markdown([make_report(REFERENCE)])


def test_markdown_takes_the_union_of_different_clause_sets():
    old = make_report({"REGISTER-A": "passed", "REGISTER-GONE": "failed"}, "torch", version="0.1.0")
    new = make_report({"REGISTER-A": "passed", "STACK-NEW": "passed", "REGISTER-NEW": "diverged"}, "torch", version="0.2.0")
    markdown = render_markdown([old, new])
    assert "| clause | statement | torch #1 | torch #2 |" in markdown
    ids = re.findall(r"^\| ([A-Z]+-[A-Z]+) \|", markdown, flags=re.MULTILINE)
    assert ids == ["REGISTER-A", "REGISTER-GONE", "REGISTER-NEW", "STACK-NEW"]
    assert table_row(markdown, "REGISTER-GONE")[2:] == ["✗ failed", "—"]
    assert table_row(markdown, "STACK-NEW")[2:] == ["—", "✓ passed"]
    assert "torch #2 / REGISTER-NEW (diverged)" in markdown


# HTML


class Page(HTMLParser):
    """Every element of a page: its tag, attributes and text (the text of everything inside it)."""

    VOID = {"meta", "wbr", "br", "input", "img", "link", "hr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": ""}
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open and self._open.pop()["tag"] != tag:
            pass

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag: str, **attrs: str) -> list[dict]:
        """The elements of `tag` whose attributes include `attrs` (class matches one of the classes)."""

        def matches(element):
            have = element["attrs"]
            return all(v in have.get(k, "").split() if k == "class" else have.get(k) == v for k, v in attrs.items())

        return [e for e in self.elements if e["tag"] == tag and matches(e)]


def cells(page: Page) -> dict[tuple[str, str], dict]:
    """The matrix's cells by (adapter, clause)."""
    found = page.find("td", **{"class": "cell"})
    by_key = {(c["attrs"]["data-adapter"], c["attrs"]["data-clause"]): c for c in found}
    assert len(by_key) == len(found)
    return by_key


def test_html_has_a_cell_per_clause_and_adapter_with_its_status(two_reports):
    page = Page(render_html(two_reports))
    expected = {(name, c): s for name, statuses in (("reference", REFERENCE), ("torch", TORCH)) for c, s in statuses.items()}
    assert {key: cell["attrs"]["data-status"] for key, cell in cells(page).items()} == expected
    for (name, clause), cell in cells(page).items():
        assert f"s-{expected[name, clause]}" in cell["attrs"]["class"].split()
    rows = page.find("tr", **{"class": "clause"})
    assert [(r["attrs"]["data-clause"], r["attrs"]["data-area"]) for r in rows] == [
        ("REGISTER-A", "register"),
        ("REGISTER-B", "register"),
        ("STACK-A", "stack"),
        ("CACHE-A", "cache"),
    ]
    assert [a["attrs"]["data-adapter"] for a in page.find("tr") if "data-adapter" in a["attrs"]] == ["reference", "torch"]


def test_html_cells_carry_reason_or_message_in_a_tooltip_and_their_note_on_a_click(two_reports):
    by_key = cells(Page(render_html(two_reports)))
    failed, diverged, passed = by_key["torch", "STACK-A"], by_key["torch", "REGISTER-B"], by_key["reference", "STACK-A"]
    assert failed["attrs"]["title"] == (
        "torch / STACK-A (failed): AssertionError: STACK-A broke\n\nReproducer:\n    P.check('STACK-A')"
    )
    notes = {n["attrs"]["id"]: n for n in Page(render_html(two_reports)).find("li", **{"class": "note"})}
    clicked = notes[failed["attrs"]["data-note"]]["text"]
    assert "AssertionError: STACK-A broke" in clicked and "P.check('STACK-A')" in clicked
    assert "reason of REGISTER-B" in diverged["attrs"]["title"]
    assert "reason of REGISTER-B" in notes[diverged["attrs"]["data-note"]]["text"]
    assert failed["text"] == "✗" and passed["text"] == "✓" and "data-note" not in passed["attrs"]
    assert passed["attrs"]["title"] == "reference / STACK-A: passed"


def test_html_notes_list_every_non_passed_cell(two_reports):
    notes = Page(render_html(two_reports)).find("li", **{"class": "note"})
    assert [(n["attrs"]["data-area"], n["attrs"]["data-status"]) for n in notes] == [
        ("register", "diverged"),
        ("stack", "failed"),
        ("cache", "unexpected-pass"),
    ]
    assert "torch / STACK-A (failed): AssertionError: STACK-A broke" in notes[1]["text"]
    assert "P.check('STACK-A')" in notes[1]["text"]


def test_html_escapes_hostile_text():
    report = make_report(
        {"REGISTER-A": "failed", "REGISTER-B": "diverged"}, f"bad{HOSTILE}", text=HOSTILE, statement=HOSTILE
    )
    html = render_html([report])
    assert html.count("<script") == 1 and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#x27;single&#x27;" in html
    page = Page(html)
    assert len(page.find("script")) == 1
    by_key = cells(page)
    assert set(by_key) == {(f"bad{HOSTILE}", "REGISTER-A"), (f"bad{HOSTILE}", "REGISTER-B")}
    assert by_key[f"bad{HOSTILE}", "REGISTER-A"]["attrs"]["title"].endswith(f"P.check('REGISTER-A'){HOSTILE}")
    statements = [t for t in page.find("td", **{"class": "statement"}) if t["attrs"].get("title")]
    assert statements[0]["text"] == HOSTILE


def test_html_is_self_contained(two_reports):
    html = render_html(two_reports)
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html)
    assert not re.search(r"@import|url\(", html)
    for element in Page(html).elements:
        for attr in ("src", "href", "action", "srcset"):
            assert attr not in element["attrs"] or element["attrs"][attr].startswith("#"), element


def test_html_has_area_and_status_filters(two_reports):
    page = Page(render_html(two_reports))
    (area,) = page.find("select", id="area-filter")
    options = [o["attrs"]["value"] for o in page.find("option")]
    assert "register" in area["text"] and "stack" in area["text"] and "cache" in area["text"]
    assert options[:4] == ["", "register", "stack", "cache"]
    (status,) = page.find("select", id="status-filter")
    assert "only non-passing" in status["text"]
    assert "non-passing" in options and set(STATUSES) <= set(options)
    script = page.find("script")[0]["text"]
    assert "area-filter" in script and "status-filter" in script
    groups = page.find("tbody", **{"class": "area"})
    assert [g["attrs"]["data-area"] for g in groups] == ["register", "stack", "cache"]


def test_html_absent_cells_for_clauses_a_report_lacks():
    old = make_report({"REGISTER-A": "passed", "REGISTER-GONE": "failed"}, "old")
    new = make_report({"REGISTER-A": "passed", "STACK-NEW": "timeout"}, "new")
    by_key = cells(Page(render_html([old, new])))
    assert by_key["new", "REGISTER-GONE"]["attrs"]["data-status"] == "absent"
    assert by_key["old", "STACK-NEW"]["attrs"]["data-status"] == "absent"
    assert by_key["new", "STACK-NEW"]["attrs"]["data-status"] == "timeout"
    assert by_key["old", "STACK-NEW"]["text"] == "—"


def test_status_styles_are_defined_once_and_distinct():
    assert set(STATUS_SYMBOL) == set(STATUSES) == set(STATUS_COLOUR)
    assert len(set(STATUS_SYMBOL.values())) == len(STATUSES)
    assert len({c.lower() for c in STATUS_COLOUR.values()}) == len(STATUSES)
    html = render_html([make_report(REFERENCE)])
    for colour in STATUS_COLOUR.values():
        assert html.count(colour) == 1
    assert ink(STATUS_COLOUR["passed"]) == "#ffffff" and ink(STATUS_COLOUR["diverged"]) != "#ffffff"


# The HTML in headless Chromium


def chromium() -> str:
    """The headless Chromium to render with; skips the test when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium not found (install Debian's chromium package) — the HTML matrix was not rendered to PNG")


def run_chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with a fresh profile under `tmp_path` and `args`."""
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--force-color-profile=srgb",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def pixels_near(image, rgb: tuple[int, int, int], tolerance: int = 6) -> int:
    """How many pixels of `image` lie within `tolerance` of `rgb` in every channel."""
    return sum(
        count
        for count, colour in image.getcolors(maxcolors=1 << 24)
        if all(abs(a - b) <= tolerance for a, b in zip(colour, rgb, strict=True))
    )


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_html_matrix_renders_in_chromium(tmp_path):
    """Screenshot the page of an all-passed and a failing adapter: the matrix shows its passed and failed colours."""
    image_module = pytest.importorskip("PIL.Image")
    statuses = {f"{area}-{i}": "passed" for area in ("REGISTER", "STACK", "CACHE") for i in range(5)}
    failing = {
        **statuses,
        "REGISTER-1": "failed",
        "REGISTER-3": "failed",
        "STACK-2": "failed",
        "STACK-0": "diverged",
        "CACHE-4": "untested",
    }
    html_path, png_path = tmp_path / "matrix.html", tmp_path / "matrix.png"
    html_path.write_text(render_html([make_report(statuses, "reference"), make_report(failing, "torch")]), encoding="utf-8")
    done = run_chromium(tmp_path, "--window-size=1400,1800", f"--screenshot={png_path}", html_path.as_uri())
    assert png_path.exists(), done.stderr[-2000:]
    with image_module.open(png_path) as image:
        image = image.convert("RGB")
        assert image.size == (1400, 1800)
        assert len(image.getcolors(maxcolors=1 << 24)) > 100, "the page rendered blank"
        cell_area = 24 * 11
        assert pixels_near(image, rgb(STATUS_COLOUR["passed"])) > 20 * cell_area
        assert pixels_near(image, rgb(STATUS_COLOUR["failed"])) > 3 * cell_area
        assert pixels_near(image, rgb(STATUS_COLOUR["diverged"])) > cell_area


def test_html_filters_hide_rows_in_chromium(tmp_path, two_reports):
    """The filters, set from the page's address, hide the other areas' rows and the rows that all passed."""
    html_path = tmp_path / "matrix.html"
    html_path.write_text(render_html(two_reports + [make_report(TORCH, "other")]), encoding="utf-8")
    done = run_chromium(tmp_path, "--dump-dom", html_path.as_uri() + "#area=register&status=non-passing")
    page = Page(done.stdout)
    visible = [r["attrs"]["data-clause"] for r in page.find("tr", **{"class": "clause"}) if "hidden" not in r["attrs"]]
    assert visible == ["REGISTER-B"], done.stderr[-2000:]
    groups = {g["attrs"]["data-area"]: "hidden" in g["attrs"] for g in page.find("tbody", **{"class": "area"})}
    assert groups == {"register": False, "stack": True, "cache": True}
    notes = [(n["attrs"]["data-area"], "hidden" in n["attrs"]) for n in page.find("li", **{"class": "note"})]
    assert {area for area, hidden in notes if not hidden} == {"register"} and len(notes) == 6
    assert "1 of 4 clauses shown" in page.find("span", id="shown-count")[0]["text"]


# The compact grid, the changes by version and the heat map

V1 = {"REGISTER-A": "passed", "REGISTER-B": "diverged", "STACK-A": "passed", "CACHE-A": "untested"}
V2 = {"REGISTER-A": "passed", "REGISTER-B": "passed", "STACK-A": "failed", "CACHE-A": "untested"}
V3 = {"REGISTER-A": "passed", "REGISTER-B": "passed", "STACK-A": "failed", "CACHE-A": "passed"}


def versions(*statuses: dict[str, str]) -> list[dict]:
    """Reports of one adapter at versions 1.0, 2.0, ... with the given statuses."""
    found = []
    for i, each in enumerate(statuses, start=1):
        report = make_report(each, "torch")
        report["adapter"] = {**report["adapter"], "version": f"{i}.0"}
        found.append(report)
    return found


def test_html_grid_is_one_small_cell_per_clause_and_column_under_a_fixed_header():
    html = render_html(versions(V1, V2, V3), by_version=True)
    page = Page(html)
    assert [h["text"] for h in page.find("th", **{"class": "col"})] == [
        "1.0",
        "2.02",
        "3.01",
    ]  # the version, then its count of changes
    assert all(len(c["text"]) == 1 for c in cells(page).values())
    assert len(page.find("tr", **{"class": "area-row"})) == 3 == len(page.find("button", **{"aria-expanded": "true"}))
    assert re.search(r"\.matrix thead th \{ position: sticky; top: 0;", html)
    assert re.search(r"\.clause-id \{ position: sticky; left: 0;", html)
    assert '<details class="box notes-box">' in html and '<details class="box runs-box" open>' in html


def test_html_changes_by_version_list_each_versions_changed_clauses_with_their_reason():
    page = Page(render_html(versions(V1, V2, V3), by_version=True))
    releases = page.find("details", **{"class": "release"})
    changed = {
        r["attrs"]["data-version"]: [t["attrs"]["data-clause"] for t in page.find("tr") if t in _inside(page, r)]
        for r in releases
    }
    # by hand: 1.0 → 2.0 moves REGISTER-B (diverged → passed) and STACK-A (passed → failed); 2.0 → 3.0 moves CACHE-A
    assert changed == {"torch 2.0": ["REGISTER-B", "STACK-A"], "torch 3.0": ["CACHE-A"]}
    text = releases[0]["text"]
    assert "was: reason of REGISTER-B" in text and "AssertionError: STACK-A broke" in text
    assert "was: no test of this clause ran" in releases[1]["text"]
    assert [a["attrs"]["href"] for a in page.find("a", **{"class": "step"})] == ["#changes-1", "#changes-2"]


def _inside(page: Page, outer: dict) -> list[dict]:
    """The elements that follow `outer` and whose text lies within it (a rough containment, enough for one table)."""
    start = page.elements.index(outer)
    return [el for el in page.elements[start + 1 :] if el["text"] and el["text"] in outer["text"]]


def test_html_changed_rows_filter_is_on_by_version_only():
    by_version = Page(render_html(versions(V1, V2), by_version=True))
    (box,) = by_version.find("input", id="changed-only")
    assert "checked" in box["attrs"]
    flagged = [r["attrs"]["data-clause"] for r in by_version.find("tr", **{"class": "changed"})]
    assert flagged == ["REGISTER-B", "STACK-A"]
    (box,) = Page(render_html(versions(V1, V2))).find("input", id="changed-only")
    assert "checked" not in box["attrs"]


def test_render_writes_a_heat_map_png(tmp_path):
    pytest.importorskip("matplotlib")
    from parametrize_conformance.report._heatmap import write_heatmap

    path = tmp_path / "matrix.png"
    write_heatmap(versions(V1, V2, V3), path, by_version=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_render_without_matplotlib_writes_the_pages_and_says_why_no_picture(tmp_path, monkeypatch, capsys):
    import json
    import sys

    from parametrize_conformance.commands import main

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    (tmp_path / "torch.json").write_text(json.dumps(make_report(REFERENCE)), encoding="utf-8")
    assert main(["render", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [str(tmp_path / "matrix.md"), str(tmp_path / "matrix.html")]
    assert len(lines) == 3 and lines[2].startswith(f"skipped {tmp_path / 'matrix.png'}: matplotlib is not installed")
    assert not (tmp_path / "matrix.png").exists()


def probed(tmp_path, html: str, script: str, *args: str) -> Page:
    """The DOM of `html` in Chromium at 1400 × 900 after `script` ran on load (it writes what it measures into
    attributes of <html>)."""
    path = tmp_path / "probed.html"
    probe = f"<script>window.addEventListener('load', () => {{ {script} }});</script>"
    path.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    done = run_chromium(tmp_path, "--window-size=1400,900", "--dump-dom", *args, path.as_uri())
    page = Page(done.stdout)
    assert page.find("html"), done.stderr[-2000:]
    return page


def test_html_header_stays_fixed_while_scrolling_in_chromium(tmp_path):
    statuses = {f"{area}-{i}": "passed" for area in ("REGISTER", "STACK", "CACHE") for i in range(30)}
    html = render_html([make_report(statuses, "reference"), make_report({**statuses, "STACK-3": "failed"}, "torch")])
    script = (
        "window.scrollTo(0, 700); const r = document.documentElement;"
        "r.dataset.scrolled = window.scrollY;"
        "r.dataset.head = document.querySelector('.matrix thead th.col').getBoundingClientRect().top;"
        "r.dataset.row = document.querySelector('tr.clause').getBoundingClientRect().top;"
    )
    (root,) = probed(tmp_path, html, script).find("html")
    assert float(root["attrs"]["data-scrolled"]) == 700
    assert float(root["attrs"]["data-head"]) == 0 and float(root["attrs"]["data-row"]) < 0


def test_html_changed_filter_hides_unchanged_rows_and_shows_the_changes_in_chromium(tmp_path):
    html = render_html(versions(V1, V2, V3), by_version=True)
    page = probed(tmp_path, html, "")
    visible = [r["attrs"]["data-clause"] for r in page.find("tr", **{"class": "clause"}) if "hidden" not in r["attrs"]]
    assert visible == ["REGISTER-B", "STACK-A", "CACHE-A"]
    assert "3 of 4 clauses shown" in page.find("span", id="shown-count")[0]["text"]
    assert [r["attrs"]["data-version"] for r in page.find("details", **{"class": "release"})] == ["torch 2.0", "torch 3.0"]
    every = probed(tmp_path, html.replace('id="changed-only" checked', 'id="changed-only"'), "")
    assert all("hidden" not in r["attrs"] for r in every.find("tr", **{"class": "clause"}))


def test_committed_history_matrix_fits_two_screens_in_chromium(tmp_path):
    from pathlib import Path

    html = (Path(__file__).parents[1] / "reports" / "history" / "source" / "matrix.html").read_text(encoding="utf-8")
    script = "document.documentElement.dataset.height = document.documentElement.scrollHeight;"
    (root,) = probed(tmp_path, html, script).find("html")
    assert int(root["attrs"]["data-height"]) <= 2 * 900
