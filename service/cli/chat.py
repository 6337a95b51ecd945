"""`assay chat`: ask about requirements, frameworks and the workspace's documents."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from service.cli.options import JsonOpt, WorkspaceOpt, open_context
from service.cli.output import emit_json, stderr, stdout, with_errors
from service.composition import LLM, build_llm, build_registry
from service.domain.chat import (
    MAX_QUESTION_CHARS,
    ChatCitation,
    ChatRequest,
    DoneEvent,
    TokenEvent,
)
from service.errors import InvalidInputError
from service.pipeline.chat import ChatService

app = typer.Typer()


def _source_line(citation: ChatCitation) -> str:
    if citation.kind == "requirement":
        return f"{citation.framework} {citation.ref or '(profile)'}"
    page = f", page {citation.page}" if citation.page else ""
    return f'{citation.document}{page}: "{citation.quote}"'


@app.command()
@with_errors
def chat(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    workspace: WorkspaceOpt = "default",
    framework: Annotated[
        str | None,
        typer.Option("--framework", "-f", help="Framework id for references that fit several."),
    ] = None,
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="Continue this conversation (its id).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Answer from the framework catalogs and the workspace's documents, with citations."""
    if not question.strip():
        raise InvalidInputError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidInputError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    context = open_context(workspace)

    def load_llm() -> LLM:
        stderr.print(f"loading the {context.settings.llm.mode} LLM ...")
        return build_llm(context.settings.llm, context.settings.data_dir)

    service = ChatService(context, build_registry(context.settings), load_llm)
    request = ChatRequest(question=question, workspace=workspace, framework=framework,
                          conversation_id=conversation)
    done: DoneEvent | None = None
    for event in service.stream(request):
        if isinstance(event, TokenEvent):
            if not json_out:
                typer.echo(event.text, nl=False)
        else:
            done = event
    if done is None:  # the stream always ends with its done event
        raise RuntimeError("the chat stream ended without its done event")
    if json_out:
        emit_json({"answer": done.answer, "conversation_id": done.conversation_id,
                   "citations": [c.model_dump(mode="json") for c in done.citations],
                   "notes": list(done.notes)})
        return
    typer.echo("")
    if done.citations:
        stdout.print("\n[bold]Sources[/]")
        for citation in done.citations:
            stdout.print(f"  {citation.kind.value}: {_source_line(citation)}", markup=False,
                         highlight=False)
    for note in done.notes:
        stdout.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    stdout.print(f"[dim]conversation {done.conversation_id} (--conversation to follow up)[/]",
                 highlight=False)
