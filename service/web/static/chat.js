// Chat: send the question, read the answer as it streams (newline-delimited JSON events),
// then list its sources as links.
"use strict";

(function () {
  const form = document.getElementById("chat-form");
  const log = document.getElementById("conversation");
  if (!form || !log) return;
  const question = form.elements.namedItem("question");

  function bubble(role, text) {
    const empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    const div = document.createElement("div");
    div.className = "message " + role;
    const p = document.createElement("p");
    p.className = "text";
    p.textContent = text;
    div.append(p);
    log.append(div);
    div.scrollIntoView({ block: "end" });
    return div;
  }

  function sources(div, citations) {
    if (!citations.length) return;
    const list = document.createElement("ol");
    list.className = "citations";
    for (const c of citations) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = c.url;
      a.textContent = c.kind === "evidence"
        ? c.document + (c.page ? ", page " + c.page : "") + (c.heading ? ", " + c.heading : "")
        : c.framework + (c.ref ? " " + c.ref : " / " + (c.field || "profile"));
      li.append(a);
      if (c.quote) {
        const q = document.createElement("q");
        q.textContent = c.quote;
        li.append(" ", q);
      }
      list.append(li);
    }
    div.append(list);
  }

  function note(div, text, cls) {
    const p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    div.append(p);
  }

  function handle(event, div, text) {
    if (event.type === "token") {
      text.textContent += event.text;
    } else if (event.type === "done") {
      text.textContent = event.answer;
      sources(div, event.citations || []);
      (event.notes || []).forEach((n) => note(div, n, "muted small"));
      form.elements.namedItem("conversation_id").value = event.conversation_id;
      const url = new URL(window.location.href);
      url.searchParams.set("conversation", event.conversation_id);
      window.history.replaceState(null, "", url);
    } else if (event.error) {
      note(div, event.error.message, "error");
    }
  }

  async function ask() {
    const body = {
      question: question.value.trim(),
      framework: form.elements.namedItem("framework").value || null,
      conversation_id: form.elements.namedItem("conversation_id").value || null,
    };
    if (!body.question) return;
    bubble("user", body.question);
    question.value = "";
    const div = bubble("assistant", "");
    div.setAttribute("aria-busy", "true");
    const text = div.querySelector(".text");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch(form.dataset.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "text/event-stream, application/json",
                   "X-CSRF-Token": document.body.dataset.csrf || "" },
        body: JSON.stringify(body),
      });
      if (!response.ok || !response.body) {
        let message = "The server could not answer (" + response.status + ").";
        try { message = (await response.json()).error || message; } catch (err) { /* keep it */ }
        note(div, message, "error");
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          // a server-sent event: "event: NAME" and "data: JSON" lines
          const data = block.split("\n").filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).replace(/^ /, "")).join("\n");
          if (data) handle(JSON.parse(data), div, text);
        }
      }
    } catch (err) {
      note(div, "The connection to the server was lost before the answer finished.", "error");
    } finally {
      div.removeAttribute("aria-busy");
      button.disabled = false;
      question.focus();
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); ask(); });
  question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); ask(); }
  });
})();
