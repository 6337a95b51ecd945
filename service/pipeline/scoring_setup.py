"""Wire a scorer from the settings: retriever, strategy, verifier, rationale and provenance."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from service.components.catalog import corpora_dir, load_builtin_corpus
from service.components.embedding.cache import cached_vectors
from service.components.llm import LLM
from service.components.prompts import load_prompt
from service.domain.assessment import Provenance
from service.domain.catalog import Scale
from service.errors import CatalogFormatError
from service.pipeline.context import PipelineContext
from service.pipeline.retrieve import RetrievalParams, Retriever
from service.pipeline.score.freshness import Freshness
from service.pipeline.score.genericity import Genericity, reference_texts
from service.pipeline.score.judge_strategy import JudgeStrategy
from service.pipeline.score.match_strategy import MatchStrategy
from service.pipeline.score.matching import Thresholds
from service.pipeline.score.scorer import Scorer, Strategy
from service.pipeline.score.verify import ModelCutOffs, Verifier
from service.settings import ScoringSettings, Settings

MATURITY_SCALE = "maturity-0-5"


def retrieval_params(settings: ScoringSettings) -> RetrievalParams:
    """The retrieval part of the scoring settings."""
    return RetrievalParams(k=settings.k, records=settings.records,
                           candidates=settings.candidates, floor=settings.floor,
                           related_floor=settings.related_floor)


def thresholds(settings: ScoringSettings) -> Thresholds:
    """The match cut-offs of the scoring settings."""
    return Thresholds(
        met=settings.met_threshold, partial=settings.partial_threshold,
        record_met=settings.record_met_threshold,
        record_partial=settings.record_partial_threshold,
        lexical_weight=settings.lexical_weight, weak=settings.weak_match,
    )


def model_cut_offs(settings: ScoringSettings) -> ModelCutOffs:
    """The P(yes) cut-offs of the verifier."""
    return ModelCutOffs(met=settings.verify_met_probability,
                        partial=settings.verify_partial_probability)


def maturity_labels(settings: Settings) -> tuple[str, ...]:
    """The names of maturity 0-5, from the corpus's ``maturity-0-5`` scale."""
    scales = load_builtin_corpus(corpora_dir(settings.catalog)).scales
    scale = next((s for s in scales if s.id == MATURITY_SCALE), None)
    if scale is None:
        raise CatalogFormatError(f"the corpus has no '{MATURITY_SCALE}' scale")
    named = {step.value: step.label for step in scale.levels}
    return tuple(named[value] for value in range(6))


def genericity(context: PipelineContext) -> Genericity:
    """The genericity penalty, its reference facets embedded once per model (and cached)."""
    settings = context.settings
    texts = reference_texts(load_builtin_corpus(corpora_dir(settings.catalog)))
    vectors = (cached_vectors(context.embedder, texts, settings.data_dir / "cache" / "queries",
                              "reference-facets")
               if settings.scoring.genericity_weight > 0 and texts else np.zeros((0, 0)))
    return Genericity(vectors, settings.scoring.genericity_k, settings.scoring.genericity_weight,
                      settings.scoring.genericity_centre)


def needs_llm(settings: ScoringSettings) -> bool:
    """Whether scoring calls a model at all (the match strategy can run without one)."""
    return settings.strategy == "judge" or settings.verify or settings.rationale == "llm"


def writes_model_rationale(settings: ScoringSettings, llm: LLM | None) -> bool:
    """Whether the model writes rationales after the levels (the template stands otherwise)."""
    return settings.rationale == "llm" and llm is not None


def build_scorer(
    context: PipelineContext, workspace: str, scale: Scale, llm: LLM | None,
    as_of: date | None = None, model_rationale: bool = False,
) -> tuple[Scorer, Retriever]:
    """A scorer for one run over one workspace as of a day (default today), and its retriever.

    With ``model_rationale`` (and the settings' ``rationale = "llm"`` and a model), its
    proposals are marked for the model's rationale, written after the levels.
    """
    settings = context.settings.scoring
    freshness = Freshness(as_of or datetime.now(UTC).date(), settings.review_months)
    retriever = Retriever(context, workspace, retrieval_params(settings))
    cut_offs = thresholds(settings)
    prompts: dict[str, str] = {}
    strategy: Strategy
    if settings.strategy == "judge":
        if llm is None:
            raise ValueError("the judge strategy needs an LLM")
        judge = load_prompt("judge-facets")
        strategy = JudgeStrategy(llm, judge, retriever, cut_offs)
        prompts[judge.id] = judge.version
    else:
        verify = load_prompt("verify-facet")
        strategy = MatchStrategy(
            context.store,
            workspace,
            retriever,
            Verifier(llm if settings.verify else None, verify, model_cut_offs(settings)),
            cut_offs,
            genericity(context),
        )
        if settings.verify:
            prompts[verify.id] = verify.version
    model_rationale = model_rationale and writes_model_rationale(settings, llm)
    provenance = Provenance(
        strategy=strategy.name,
        model_id=llm.model_id if llm is not None else "none",
        prompts=prompts,
        thresholds={
            "met": cut_offs.met,
            "partial": cut_offs.partial,
            "record_met": cut_offs.record_met,
            "record_partial": cut_offs.record_partial,
            "lexical_weight": cut_offs.lexical_weight,
            "weak_match": cut_offs.weak,
            "corroboration": settings.corroboration,
            "genericity_weight": settings.genericity_weight,
            "genericity_k": settings.genericity_k,
            "genericity_centre": settings.genericity_centre,
            "verify_met_probability": settings.verify_met_probability,
            "verify_partial_probability": settings.verify_partial_probability,
            "ocr_min_confidence": settings.ocr_min_confidence,
        },
        retrieval={"k": settings.k, "candidates": settings.candidates, "floor": settings.floor},
        created_at=datetime.now(UTC),
        as_of=freshness.as_of,
    )
    labels = maturity_labels(context.settings)
    scorer = Scorer(retriever, strategy, scale, provenance, model_rationale, labels, freshness,
                    ocr_min_confidence=settings.ocr_min_confidence,
                    weak_match=settings.weak_match if settings.strategy == "match" else 0.0,
                    corroboration=settings.corroboration,
                    by_sentence=settings.score_on_sentences)
    return scorer, retriever
