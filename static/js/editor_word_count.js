// Word count and reading time under the body editor, counted as the reader page does
// (Article.reading_minutes): the words of the HTML with its tags taken out, at
// data-reading-wpm words a minute.
(function () {
  "use strict";
  const parser = new DOMParser();
  // Block tags separate words, inline ones (<strong>, <a>) do not.
  const BLOCK_TAG =
    /<\/?(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|pre|table|tr|td|th|dl|dt|dd|hr|br|img)\b[^>]*>/gi;

  function count(html) {
    const text = html.replace(BLOCK_TAG, " ").replace(/<[^>]*>/g, "");
    const decoded = parser.parseFromString(text, "text/html").documentElement.textContent;
    return decoded.split(/\s+/).filter(Boolean).length;
  }

  function show(editor, textarea) {
    const wrapper = textarea.closest(".prose-editor");
    let line = wrapper.nextElementSibling;
    if (!line || !line.classList.contains("editor-word-count")) {
      line = document.createElement("p");
      line.className = "help editor-word-count";
      line.setAttribute("aria-live", "polite");
      wrapper.after(line);
    }
    const words = count(editor.getHTML());
    const minutes = Math.max(1, Math.round(words / Number(textarea.dataset.readingWpm)));
    line.textContent = `${words} word${words === 1 ? "" : "s"} · ${minutes} min read`;
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    if (!textarea.dataset.readingWpm) return;
    show(editor, textarea);
    editor.on("update", () => show(editor, textarea));
  });
})();
