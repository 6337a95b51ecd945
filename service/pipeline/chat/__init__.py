"""Chat: questions answered from the framework catalogs and the workspace's own evidence.

``ChatService.stream`` yields ``TokenEvent``s as the answer is written, then one
``DoneEvent`` with the whole answer, its conversation id, citations and notes: the CLI
prints the tokens, and the API and the web UI send each event as a server-sent event
(``wire_events``).
"""

from service.pipeline.chat.answer import ChatService, prime_chat_model
from service.pipeline.chat.conversation import conversation_history, list_conversations
from service.pipeline.chat.wire import wire_events

__all__ = ["ChatService", "conversation_history", "list_conversations", "prime_chat_model",
           "wire_events"]
