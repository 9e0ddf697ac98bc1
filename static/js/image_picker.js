// The media-library picker the body editor opens ("Browse..." in its image dialog): the
// chosen (or just uploaded) image goes back to the editor through the callback protocol
// django-prose-editor speaks (CKEditor's callFunction), then the window closes.
(function () {
  "use strict";
  const root = document.querySelector("[data-picker-callback]");
  if (!root) return;
  const callback = root.dataset.pickerCallback;

  function pick(element) {
    const editor = window.opener && window.opener.CKEDITOR;
    if (!editor || !callback) return;
    editor.tools.callFunction(callback, element.dataset.url, {
      id: element.dataset.id,
      alternative_text: element.dataset.alt,
      caption: element.dataset.caption,
    });
    window.close();
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick]");
    if (button) pick(button);
  });
  const uploaded = document.getElementById("picked");
  if (uploaded) pick(uploaded);
})();
