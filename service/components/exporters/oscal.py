"""OSCAL assessment results (JSON), validated with compliance-trestle's OSCAL models.

One result per assessment, its description opening with the scope statement; per
requirement an observation (the rationale, with the citations, and for a projection the
carried sources, as relevant evidence) and a finding (the objective's status, the level and its
review state as properties). Reviewers are parties, Assay is the assessment platform.
A requirement is ``satisfied`` when its effective level is at least ``SATISFIED_FROM``
(3, "defined", on the default scale) or a reviewer marked it not applicable.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from trestle.oscal.assessment_results import Model

from service.domain.export import ExportDocument, ExportRequirement, citation_text, source_text

NS = "https://github.com/assay/assay/ns/oscal"
SATISFIED_FROM = 3


def _id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "assay:" + ":".join(parts)))


def control_token(ref_id: str) -> str:
    """A ref as an OSCAL token (lower case; a leading digit gets ``_``: ``9.3.1`` -> ``_9.3.1``)."""
    token = re.sub(r"[^A-Za-z0-9._-]+", "-", ref_id).strip("-").lower() or "requirement"
    return token if token[0].isalpha() else "_" + token


def _aware(moment: datetime) -> str:
    """ISO 8601 with a zone, as OSCAL wants (SQLite hands back naive UTC times)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": str(value)}


def _finding(item: ExportRequirement, aid: str, platform: str,
             reviewers: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    observation_id = _id(aid, item.ref_id, "observation")
    level = item.effective_level
    satisfied = level is None or level >= SATISFIED_FROM
    actor = ({"type": "party", "actor-uuid": reviewers[item.reviewer]} if item.reviewer
             else {"type": "assessment-platform", "actor-uuid": platform})
    props = [_prop("ref-id", item.ref_id), _prop("status", item.status),
             _prop("review-state", item.review_state.value)]
    props += [_prop(name, value) for name, value in (
        ("proposed-level", item.proposed_level), ("reviewed-level", item.reviewed_level),
        ("effective-level", level)) if value is not None]
    observation: dict[str, Any] = {
        "uuid": observation_id, "title": f"{item.ref_id} {item.title}",
        "description": item.rationale or "No rationale recorded.", "methods": ["EXAMINE"],
        "collected": _aware(item.reviewed_at or datetime.now(UTC)),
        "props": [_prop("confidence", item.confidence)],
    }
    evidence = [{"description": citation_text(c)} for c in item.citations]
    if item.projection is not None:
        props += [_prop("carry-status", item.projection.status.value),
                  _prop("evidence-check", item.projection.evidence_check.value)]
        evidence += [{"description": f"Level carried from {source_text(s)}"}
                     for s in item.projection.carried_from]
    if evidence:
        observation["relevant-evidence"] = evidence
    finding: dict[str, Any] = {
        "uuid": _id(aid, item.ref_id, "finding"), "title": f"{item.ref_id} {item.title}",
        "description": (f"Level {level} ({item.effective_label})" if level is not None
                        else "Not applicable") + f"; {item.status}.",
        "props": props, "origins": [{"actors": [actor]}],
        "target": {
            "type": "objective-id", "target-id": control_token(item.ref_id),
            "status": {"state": "satisfied" if satisfied else "not-satisfied"},
        },
        "related-observations": [{"observation-uuid": observation_id}],
    }
    if item.comment:
        finding["remarks"] = item.comment
    if item.gaps:
        finding["target"]["description"] = "Gaps: " + "; ".join(item.gaps)
    return observation, finding


def _description(document: ExportDocument) -> str:
    """The result's description: the scope first, then what the findings are, and any source."""
    report = document.report
    parts = [f"Scope: {report.scope or 'not stated'}",
             f"Workspace {report.workspace}, scale {document.scale_name}; findings state "
             "whether a reviewer decided or the level is still a proposal."]
    if document.projected_from:
        parts.append(f"Projected from {document.projected_from} through the crosswalks "
                     f"{'; '.join(document.crosswalks)}; every carried level still needs a "
                     "reviewer here.")
    return "\n\n".join(parts)


def assessment_results(document: ExportDocument) -> dict[str, Any]:
    """The OSCAL document as JSON data; ValidationError if trestle's models reject it."""
    report = document.report
    aid = report.assessment_id
    platform = _id(aid, "platform")
    reviewers = {name: _id("party", name) for name in document.reviewers}
    pairs = [_finding(item, aid, platform, reviewers) for item in document.requirements]
    data = {"assessment-results": {
        "uuid": _id(aid, "assessment-results"),
        "metadata": {
            "title": f"Assay assessment {aid} of {report.framework}",
            "last-modified": datetime.now(UTC).isoformat(), "version": aid,
            "oscal-version": "1.1.2",
            "parties": [{"uuid": platform, "type": "organization", "name": "Assay"}] + [
                {"uuid": party, "type": "person", "name": name}
                for name, party in reviewers.items()],
        },
        "import-ap": {"href": f"#{_id(aid, 'assessment-plan')}"},
        "results": [{
            "uuid": _id(aid, "result"),
            "title": f"{report.framework} maturity assessment",
            "description": _description(document),
            "start": _aware(report.created_at),
            "props": [_prop("framework", report.framework), _prop("scale", report.scale)] + (
                [_prop("projected-from", report.projected_from),
                 _prop("source-framework", report.source_framework)]
                if report.projected_from else []),
            "reviewed-controls": {"control-selections": [{"include-controls": [
                {"control-id": control_token(item.ref_id)} for item in document.requirements]}]},
            "observations": [observation for observation, _ in pairs],
            "findings": [finding for _, finding in pairs],
        }],
    }}
    Model.model_validate(data)
    return data


def render_oscal(document: ExportDocument) -> bytes:
    """The validated OSCAL assessment results as indented UTF-8 JSON."""
    return json.dumps(assessment_results(document), indent=2, ensure_ascii=False).encode()
