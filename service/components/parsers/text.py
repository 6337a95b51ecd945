"""Plain text, Markdown and HTML: decoded text split at headings."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from lxml import etree
from markdown_it import MarkdownIt

from service.components.parsers.limits import check_depth
from service.components.parsers.sections import SectionCollector
from service.domain.evidence import DocumentType, ParsedDocument, Passage
from service.errors import RejectedFileError

HEADING_MARK = "\x00H"
HIDDEN_HTML = ("script", "style", "noscript", "template", "head")


def read_text(path: Path) -> str:
    """Decode UTF-8 (with or without BOM), falling back to Windows-1252."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise RejectedFileError(f"the file is not readable text: {exc}") from exc
    if not text.strip():
        raise RejectedFileError("the file contains no text")
    return text


def _finish(doc_type: DocumentType, passages: tuple[Passage, ...]) -> ParsedDocument:
    if not passages:
        raise RejectedFileError("the file contains no text")
    return ParsedDocument(doc_type=doc_type, passages=passages)


def parse_text(path: Path) -> ParsedDocument:
    """A plain text file is one passage without headings."""
    return _finish(DocumentType.TEXT, (Passage(text=read_text(path).strip()),))


def parse_markdown(path: Path) -> ParsedDocument:
    """Split at ATX and setext headings (never inside code blocks), keeping the raw text."""
    source = read_text(path)
    lines = source.splitlines()
    tokens = MarkdownIt("commonmark").parse(source)
    sections = SectionCollector()
    position = 0
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        start, end = token.map
        sections.add_text("\n".join(lines[position:start]))
        sections.open_heading(int(token.tag[1]), tokens[index + 1].content.strip())
        position = end
    sections.add_text("\n".join(lines[position:]))
    return _finish(DocumentType.MARKDOWN, sections.passages())


def _depth(html: str) -> int:
    """How deeply elements nest, from lxml's parse events.

    Counted before Beautiful Soup builds its tree, which took 8 s for 100,000 nested divs.
    """
    parser = etree.HTMLPullParser(events=("start", "end"))
    parser.feed(html)
    parser.close()
    depth = deepest = 0
    for event, _ in parser.read_events():
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_html(path: Path) -> ParsedDocument:
    """Visible text of an HTML page, split at its h1-h6 headings."""
    html = read_text(path)
    check_depth(_depth(html))
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup(HIDDEN_HTML):
        hidden.decompose()
    for heading in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        title = " ".join(heading.get_text(" ").split())
        heading.replace_with(f"\n{HEADING_MARK}{heading.name[1]}{title}\n")
    sections = SectionCollector()
    for line in soup.get_text("\n").splitlines():
        if line.startswith(HEADING_MARK):
            sections.open_heading(int(line[2]), line[3:])
        elif line.strip():
            sections.add_text(" ".join(line.split()))
    return _finish(DocumentType.HTML, sections.passages())
