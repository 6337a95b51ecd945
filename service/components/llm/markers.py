"""Chat-template markers, and the neutraliser that keeps them out of every prompt.

llama.cpp, vLLM, Ollama and llama.cpp's server tokenise the formatted chat with special
tokens on: ``<|im_end|><|im_start|>system`` inside an uploaded document would become real
role tokens. Every prompt passes through a ``Neutraliser`` on its way to the model
(``ChatModelLLM`` applies it to the system and the user message), which breaks each marker
with an invisible word joiner after its first character: the model still reads the text,
no tokenizer reads a control token. The local model's markers come from its own vocabulary
(``llamacpp.special_token_texts``); remote models get ``KNOWN_MARKERS`` plus
``llm.special_tokens`` from the settings.
"""

from __future__ import annotations

from collections.abc import Iterable

WORD_JOINER = "\u2060"

# Role and turn markers of common chat templates, as their tokenizers spell them.
KNOWN_MARKERS: tuple[str, ...] = (
    # ChatML (Qwen, many fine-tunes)
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_sep|>",
    # Llama 3
    "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
    "<|eot_id|>", "<|eom_id|>", "<|python_tag|>",
    # Llama 2, Mistral
    "<s>", "</s>", "[INST]", "[/INST]", "<<SYS>>", "<</SYS>>", "[SYSTEM_PROMPT]",
    "[/SYSTEM_PROMPT]", "[TOOL_CALLS]", "[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]",
    "[TOOL_RESULTS]", "[/TOOL_RESULTS]",
    # Gemma
    "<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>",
    # Phi-3, gpt-oss (harmony)
    "<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|start|>", "<|message|>",
    "<|channel|>", "<|return|>", "<|call|>", "<|constrain|>",
    # DeepSeek (full-width bars)
    "<\uff5cbegin\u2581of\u2581sentence\uff5c>", "<\uff5cend\u2581of\u2581sentence\uff5c>",
    "<\uff5cUser\uff5c>", "<\uff5cAssistant\uff5c>",
    # Command R
    "<|START_OF_TURN_TOKEN|>", "<|END_OF_TURN_TOKEN|>", "<|SYSTEM_TOKEN|>", "<|USER_TOKEN|>",
    "<|CHATBOT_TOKEN|>",
    # reasoning and tool tags
    "<think>", "</think>", "<tool_call>", "</tool_call>",
)


class Neutraliser:
    """Breaks every marker in a text so that no tokenizer reads it as a special token.

    A word joiner goes after the marker's first character. Markers shorter than two
    characters cannot be broken that way and are left out (no known template has one).
    """

    def __init__(self, markers: Iterable[str]) -> None:
        usable = {m for m in markers if len(m) >= 2 and WORD_JOINER not in m}
        self.markers = tuple(sorted(usable, key=lambda m: (-len(m), m)))

    def __call__(self, text: str) -> str:
        """The text with every marker broken; text without a marker comes back unchanged."""
        # Repeated until none is left: breaking one marker can leave an overlapping one
        # whole; every round adds a joiner inside a marker, so the loop ends.
        while found := [m for m in self.markers if m in text]:
            for marker in found:
                text = text.replace(marker, marker[0] + WORD_JOINER + marker[1:])
        return text
