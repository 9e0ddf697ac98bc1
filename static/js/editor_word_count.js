// Word count and reading time under the body editor, counted as the reader page does
// (Article.reading_minutes): words of the text, at data-reading-wpm words a minute.
(function () {
  "use strict";
  function show(editor, textarea) {
    let line = textarea.closest(".prose-editor").nextElementSibling;
    if (!line || !line.classList.contains("editor-word-count")) {
      line = document.createElement("p");
      line.className = "help editor-word-count";
      line.setAttribute("aria-live", "polite");
      textarea.closest(".prose-editor").after(line);
    }
    const doc = editor.state.doc;
    const words = doc.textBetween(0, doc.content.size, " ", " ").split(/\s+/).filter(Boolean).length;
    const minutes = Math.max(1, Math.round(words / Number(textarea.dataset.readingWpm || 230)));
    line.textContent = `${words} word${words === 1 ? "" : "s"} · ${minutes} min read`;
  }
  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    if (!textarea.dataset.readingWpm) return;
    show(editor, textarea);
    editor.on("update", () => show(editor, textarea));
  });
})();
