"""The model's pieces stream at once, but a cut answer never ends on half a sentence."""

from __future__ import annotations

import inspect
from collections.abc import Generator

from service.pipeline.chat.streaming import whole_sentences


def tokens(text: str) -> list[str]:
    words = text.split(" ")
    return [word + " " for word in words[:-1]] + [words[-1]]


def test_a_model_that_stops_by_itself_loses_nothing() -> None:
    text = "It asks for a plan. And records that it ran"
    assert "".join(whole_sentences(tokens(text), budget=100, margin=5)) == text


def test_a_cut_answer_ends_at_its_last_whole_sentence() -> None:
    pieces = tokens("It asks for a plan. Then it asks for records of the actions and")
    assert len(pieces) == 14
    streamed = list(whole_sentences(pieces, budget=14, margin=8))
    assert "".join(streamed) == "It asks for a plan. "
    assert streamed[:5] == pieces[:5]  # early pieces are not held back


def test_a_cut_answer_keeps_a_final_full_stop() -> None:
    pieces = tokens("One. Two three.")
    assert "".join(whole_sentences(pieces, budget=3, margin=2)) == "One. Two three."


def test_an_answer_cut_with_fewer_pieces_than_tokens_is_still_trimmed() -> None:
    pieces = tokens("It asks for a plan. Then it asks for records of (implementation")
    assert len(pieces) == 12  # the model stopped at its budget of 14: two tokens gave no text
    assert "".join(whole_sentences(pieces, budget=14, margin=8)) == "It asks for a plan. "


def test_checked_sentences_hold_each_sentence_until_it_ends_and_drop_failures() -> None:
    from service.pipeline.chat.claims import CheckedStream

    seen: list[str] = []

    def check(sentence: str) -> str | None:
        seen.append(sentence)
        return "no" if "bad" in sentence else None

    stream = CheckedStream()
    out = list(stream.sentences(["Good one", ". A bad", " one. Last", " one."], check))
    assert out == ["Good one.", " Last one."]
    assert seen == ["Good one.", "A bad one.", "Last one."]
    assert stream.failures == [("A bad one.", "no")] and stream.shown == 2


def test_the_first_sentence_stops_the_stream_at_its_end() -> None:
    from service.pipeline.chat.streaming import first_sentence

    asked: list[str] = []

    def model() -> Generator[str, None, None]:
        for piece in ["\n", "The log", " shows a failed restore", ".", " Then", " more."]:
            asked.append(piece)
            yield piece

    source = model()
    assert "".join(first_sentence(source)) == "\nThe log shows a failed restore."
    assert asked == ["\n", "The log", " shows a failed restore", ".", " Then"]
    assert inspect.getgeneratorstate(source) == inspect.GEN_CLOSED  # asked for nothing more


def test_the_first_sentence_can_end_inside_a_piece_or_with_the_stream() -> None:
    from service.pipeline.chat.streaming import first_sentence

    assert "".join(first_sentence(iter(["One. Two.", " Three."]))) == "One."
    assert "".join(first_sentence(iter(["No full stop"]))) == "No full stop"
