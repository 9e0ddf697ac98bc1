// The article form's safety net (the admin's change form, templates/admin/blog/article/):
// - what is typed is posted as an autosave every ARTICLE_AUTOSAVE_SECONDS while it changes;
// - "Restore the autosave" puts an autosave offered by the page back into the form;
// - leaving with unsaved changes asks first;
// - the notice of others editing the story follows the autosave's answer.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const config = document.getElementById("autosave");
  const form = config?.closest("form");
  if (!form) return;
  let dirty = false; // changed since the page was loaded or saved
  let unsent = false; // changed since the last autosave

  form.addEventListener("input", () => {
    dirty = unsent = true;
  });
  form.addEventListener("change", () => {
    dirty = unsent = true;
  });
  form.addEventListener("submit", (event) => {
    // The preview opens in another tab: this one still holds unsaved changes.
    if (event.submitter?.formTarget !== "_blank") dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  const notices = form.querySelector(".editing-notices");
  function showEditors(names) {
    notices.querySelectorAll(".editing-by").forEach((item) => item.remove());
    for (const name of names) {
      const item = document.createElement("li");
      item.className = "warning editing-by";
      item.textContent = `${name} is editing this story.`;
      notices.prepend(item);
    }
  }

  async function autosave() {
    if (!unsent) return;
    unsent = false;
    const data = new FormData();
    // Text only: a photo chosen for upload is sent when the form is saved, not every time.
    for (const [name, value] of new FormData(form)) {
      if (typeof value === "string") data.append(name, value);
    }
    data.set("article", config.dataset.article);
    try {
      const response = await fetch(config.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(response.statusText);
      showEditors((await response.json()).editors);
    } catch (error) {
      unsent = true; // try again next time
    }
  }
  setInterval(autosave, 1000 * Number(config.dataset.seconds || 30));

  const restore = form.querySelector("[data-autosave-restore]");
  restore?.addEventListener("click", () => {
    const content = JSON.parse(document.getElementById("autosave-content").textContent);
    for (const [name, value] of Object.entries(content)) {
      const field = form.elements.namedItem(name);
      if (!field || !("value" in field)) continue;
      field.value = value;
      // A field under the rich-text editor (django-prose-editor, on Tiptap): the editor
      // shows the restored text too (Tiptap keeps itself on its view's element).
      const editor = field.closest(".prose-editor")?.querySelector(".tiptap")?.editor;
      editor?.commands.setContent(value);
    }
    dirty = unsent = true;
    restore.closest("li").textContent = "The autosave is back in the form: save it to keep it.";
  });
});
