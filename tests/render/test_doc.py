"""The document blocks of the handbook, as Markdown and as HTML."""

from __future__ import annotations

from verantwortung.render.doc import (
    Diagram,
    Heading,
    Item,
    Items,
    Para,
    Table,
    Text,
    to_html,
    to_markdown,
)

BLOCKS = [Heading(2, [Text("A <b> & *c*")], anchor="a"),
          Para([Text("Rule", "b"), Text(" "), Text("x_y [z] | #1")]),
          Items((Item([Text("one")], (Item([Text("two", "muted")]),)),), kind="check"),
          Table(("H|1",), (([Text("a|b")],),)),
          Diagram("stateDiagram-v2\n", None, fallback_note="note")]


def test_markdown_escapes_and_nests() -> None:
    """Markdown escapes markup characters, nests lists and fences the diagram."""
    assert ("## A \\<b\\> & \\*c\\*\n\n**Rule** x\\_y \\[z\\] \\| \\#1\n\n- [ ] one\n"
            "  - *two*\n\n| H\\|1 |\n|---|\n| a\\|b |\n\n```mermaid\nstateDiagram-v2\n```\n"
            ) == to_markdown(BLOCKS)


def test_html_escapes_every_text() -> None:
    """HTML escapes text and shows a diagram without SVG as Mermaid source."""
    html = to_html(BLOCKS)
    assert '<h2 id="a">A &lt;b&gt; &amp; *c*</h2>' in html
    assert '<ul class="checklist"><li>one<ul><li><span class="muted small">two</span>' in html
    assert '<pre class="mermaid">stateDiagram-v2\n</pre>' in html
