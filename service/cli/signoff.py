"""`assay signoff` and `assay reopen`: electronic signatures on assessments (21 CFR Part 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from service.cli.access import AsOpt, assessment_workspace, open_sessions
from service.cli.options import JsonOpt, writable_settings
from service.cli.output import emit_json, stdout, with_errors
from service.domain.access import Role
from service.domain.audit import utc_iso
from service.domain.signature import parse_meaning
from service.errors import InvalidInputError
from service.pipeline.review import workspace_of
from service.pipeline.signoff import SignOff, reopen_assessment, sign_assessment

app = typer.Typer()


def _read_token(token_file: Path | None) -> str:
    """The signer's token: from the file, or typed at a hidden prompt."""
    if token_file is None:
        return str(typer.prompt("API token of the signer", hide_input=True, err=True))
    try:
        return token_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"cannot read the token file {token_file}: {error}") from None


@app.command()
@with_errors
def signoff(
    assessment_id: Annotated[str, typer.Argument(help="The assessment's id.")],
    meaning: Annotated[str, typer.Option("--meaning", help="reviewed or approved.")],
    as_user: Annotated[str, typer.Option(
        "--as", metavar="USER", help="The signer: a reviewer of the assessment's workspace.")],
    token_file: Annotated[Path | None, typer.Option(
        "--token-file", help="Read the signer's API token from this file, not a prompt.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Sign a completed assessment; the signer re-enters their API token to sign."""
    request = SignOff(assessment_id, as_user, parse_meaning(meaning), _read_token(token_file))
    with open_sessions(writable_settings())() as session:
        workspace = workspace_of(session, assessment_id)
        signature = sign_assessment(session, request, workspace=workspace)
    if json_out:
        emit_json(signature.model_dump(mode="json"))
        return
    stdout.print(f"{escape(signature.signer)} signed assessment {signature.assessment_id} as "
                 f"{signature.meaning.value} at {utc_iso(signature.signed_at)} "
                 f"(content {signature.content_hash[:12]})", highlight=False)


@app.command()
@with_errors
def reopen(
    assessment_id: Annotated[str, typer.Argument(help="The assessment's id.")],
    comment: Annotated[str, typer.Option("--comment", help="Why it is re-opened.")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Re-open a signed assessment for review: its signatures are voided, with the comment."""
    with open_sessions(writable_settings())() as session:
        workspace, actor = assessment_workspace(session, assessment_id, as_user, Role.REVIEWER)
        voided = reopen_assessment(session, assessment_id, actor=actor, comment=comment,
                                   workspace=workspace)
    if json_out:
        emit_json({"assessment_id": assessment_id,
                   "voided": [s.model_dump(mode="json") for s in voided]})
        return
    stdout.print(f"re-opened assessment {assessment_id}: {len(voided)} signature(s) voided",
                 highlight=False)
