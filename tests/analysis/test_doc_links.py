#!/usr/bin/python3
"""Every relative link in the project's Markdown (README.md, docs/, bench/README.md and
experiments/) points at a file that exists, and every #anchor at a heading of that file.

Run by ctest (Docs.Links); by hand: /usr/bin/python3 tests/analysis/test_doc_links.py
Anchors follow GitHub's rule: the heading lower-cased, punctuation other than '-' and '_'
dropped, spaces made '-', and '-1', '-2', ... appended to repeated headings.
"""
import os
import re
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("CRMSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~)")


def markdown_files(root):
    files = [root / "README.md", root / "bench" / "README.md"]
    for folder in ("docs", "experiments"):
        files += sorted((root / folder).rglob("*.md"))
    return [f for f in files if f.exists()]


def heading_slug(heading):
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def raw_anchors(path):
    """Anchors computed from the headings with their code spans kept (backticks dropped)."""
    seen, result = {}, set()
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line.lstrip()):
            inside = not inside
            continue
        m = None if inside else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            slug = heading_slug(m.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def broken_links(path):
    """(line, target, why) for every relative link of `path` that does not resolve."""
    text = path.read_text(encoding="utf-8")
    raw_lines = text.splitlines()
    problems = []
    inside = False
    for number, line in enumerate(raw_lines, 1):
        if FENCE.match(line.lstrip()):
            inside = not inside
            continue
        if inside:
            continue
        for target in LINK.findall(re.sub(r"`[^`]*`", "``", line)):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, mailto:, ...
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                problems.append((number, target, "no such file"))
            elif anchor and linked.suffix == ".md" and anchor not in raw_anchors(linked):
                problems.append((number, target, f"no heading with anchor #{anchor}"))
    return problems


class DocLinks(unittest.TestCase):
    def test_every_relative_link_and_anchor_resolves(self):
        files = markdown_files(SOURCE_DIR)
        self.assertIn(SOURCE_DIR / "docs" / "README.md", files)
        failures = [f"{p.relative_to(SOURCE_DIR)}:{n}: {t}: {why}"
                    for p in files for n, t, why in broken_links(p)]
        self.assertEqual(failures, [], "\n".join(failures))

    def test_the_readme_is_short(self):
        size = (SOURCE_DIR / "README.md").stat().st_size
        self.assertLess(size, 15 * 1024, "README.md is for users: keep it under 15 KB, "
                        "move reference material to docs/")

    def test_the_checker_finds_a_broken_file_and_a_broken_anchor(self):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "other.md").write_text("# Other page\n\n## The `results` file\n")
            page = root / "page.md"
            page.write_text("# Page\n\n[ok](other.md) [ok](other.md#the-results-file) [ok](#page)\n"
                            "[gone](missing.md) [bad](other.md#nowhere) ![img](img/x.png)\n"
                            "```\n[in code](missing.md)\n```\n`[in span](missing.md)`\n"
                            "[web](https://example.org/x.md)\n")
            found = [(n, t) for n, t, _ in broken_links(page)]
            self.assertEqual(found, [(4, "missing.md"), (4, "other.md#nowhere"), (4, "img/x.png")])


if __name__ == "__main__":
    unittest.main(verbosity=2)
