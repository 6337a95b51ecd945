"""Evidence kinds: the tag ingestion gives a passage against a hand label.

A passage is judged by the first chunk that contains it. Besides the three-way accuracy,
record versus not-record is reported on its own: it is the line that gates implementation
facets, so it matters most to the levels.
"""

from __future__ import annotations

from evals.cases import KindCase, load_kinds
from evals.harness import KIND_FIXTURES_WORKSPACE, EvalEnv, locate
from evals.markdown import pct, section, table
from service.domain.evidence import EvidenceKind

KINDS = tuple(EvidenceKind)


def predictions(env: EvalEnv) -> list[tuple[KindCase, EvidenceKind]]:
    """Each labelled passage with the kind of the first chunk that holds it."""
    chunks = env.chunks() + env.chunks(KIND_FIXTURES_WORKSPACE)
    return [(case, locate(chunks, case)[0].kind) for case in load_kinds().cases]


def accuracy_table(results: list[tuple[KindCase, EvidenceKind]]) -> str:
    """Accuracy overall, on the tricky cases, and on record versus not-record."""
    def share(subset: list[tuple[KindCase, EvidenceKind]], record_line: bool = False) -> str:
        if record_line:
            right = sum((c.kind == EvidenceKind.RECORD) == (p == EvidenceKind.RECORD)
                        for c, p in subset)
        else:
            right = sum(c.kind == p for c, p in subset)
        return pct(right, len(subset))

    tricky = [r for r in results if r[0].tricky]
    plain = [r for r in results if not r[0].tricky]
    rows = [["all", share(results), share(results, record_line=True)],
            ["plain", share(plain), share(plain, record_line=True)],
            ["tricky", share(tricky), share(tricky, record_line=True)]]
    return table(["cases", "kind accuracy", "record vs not-record"], rows)


def confusion_table(results: list[tuple[KindCase, EvidenceKind]]) -> str:
    """Rows: the label; columns: the predicted kind."""
    rows = [[f"**{label.value}**", *[sum(c.kind == label and p == predicted for c, p in results)
                                     for predicted in KINDS]]
            for label in KINDS]
    return table(["label \\ predicted", *[k.value for k in KINDS]], rows)


def errors_table(results: list[tuple[KindCase, EvidenceKind]]) -> str:
    """Every misclassified passage."""
    rows = [[c.document, c.contains[:50], c.kind.value, p.value, c.note or "-"]
            for c, p in results if c.kind != p]
    return table(["document", "passage", "label", "predicted", "note"], rows)


def evaluate(env: EvalEnv) -> str:
    """The evidence-kind report."""
    results = predictions(env)
    return section("Evidence kinds", accuracy_table(results), confusion_table(results),
                   "Misclassified:", errors_table(results))
