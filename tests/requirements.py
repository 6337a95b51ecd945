"""Hand-made requirements shared by the scoring tests."""

from __future__ import annotations

from service.domain.catalog import Facet, FacetKind, Requirement

BACKUP = Requirement(
    ref_id="X.1", title="Information backup", theme="Tests", assessable=True,
    summary="Backups are taken and restores are tested.", typical_evidence=("restore log",),
    facets=(
        Facet(id="X.1-f1", kind=FacetKind.DOCUMENTATION,
              text="A backup policy defines how often backups are taken and how long copies "
                   "are kept."),
        Facet(id="X.1-f2", kind=FacetKind.IMPLEMENTATION,
              text="Restore test records show data was restored from backup and the restored "
                   "data was checked."),
        Facet(id="X.1-f3", kind=FacetKind.IMPROVEMENT,
              text="Restore test results are reviewed and lead to recorded changes."),
    ),
)
