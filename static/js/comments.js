/* Wirepress discussion: reply in place, post and like without a full reload.
   Progressive enhancement only: every action also works as a plain link or form. */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  if (!respond || !home) return;

  function $(selector, root) { return (root || document).querySelector(selector); }

  function setReplyTarget(commentId, author) {
    var form = $("#commentform", respond);
    form.elements.reply_to.value = commentId || "";
    $("[data-reply-heading]", respond).textContent = commentId ? "Leave a Reply to " + author : "Leave a Reply";
    $("#cancel-comment-reply-link", respond).hidden = !commentId;
  }

  function moveFormUnder(commentId, author) {
    var item = document.getElementById("comment-" + commentId);
    var body = item && item.querySelector(":scope > .comment-body");
    if (!body) return false;
    body.after(respond);
    setReplyTarget(commentId, author);
    $("#id_comment", respond).focus();
    return true;
  }

  function moveFormHome() {
    home.after(respond);
    setReplyTarget(null);
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (json) { json.status = response.status; return json; });
    });
  }

  // A message from the server when there is no form to show (e.g. the article was unpublished).
  function showError(before, message) {
    var error = document.createElement("p");
    error.className = "form-error";
    error.setAttribute("role", "alert");
    error.tabIndex = -1;
    error.textContent = message || "Something went wrong. Please try again.";
    before.before(error);
    error.focus();
  }

  function replaceForm(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.firstElementChild;
    respond.replaceWith(fresh);
    respond = fresh;
  }

  function insertComment(json) {
    var holder = document.createElement("div");
    holder.innerHTML = json.comment.trim();
    var item = holder.firstElementChild;
    var list;
    if (json.parent) {
      var parent = document.getElementById("comment-" + json.parent);
      list = parent.querySelector(":scope > ol.children");
      if (!list) {
        list = document.createElement("ol");
        list.className = "children";
        parent.appendChild(list);
      }
    } else {
      list = $(".comment-list");
    }
    list.appendChild(item);
    if (!json.pending) {
      var title = document.getElementById("comments-title");
      var count = parseInt(title.dataset.count || "0", 10) + 1;
      title.dataset.count = count;
      title.textContent = count + (count === 1 ? " thought on " : " thoughts on ") + title.dataset.article;
    }
    return item;
  }

  document.addEventListener("click", function (event) {
    var reply = event.target.closest(".comment-reply-link");
    if (reply && moveFormUnder(reply.dataset.commentId, reply.dataset.author)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("#cancel-comment-reply-link")) {
      event.preventDefault();
      moveFormHome();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "commentform") {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      post(form.action, new FormData(form)).then(function (json) {
        if (json.ok) {
          var item = insertComment(json);
          replaceForm(json.form);
          moveFormHome();
          item.scrollIntoView({ block: "center" });
          history.replaceState(null, "", json.url);
        } else if (json.form) {
          replaceForm(json.form);
          var error = $(".form-error", respond);
          if (error) error.focus();
        } else {
          button.disabled = false;
          showError(form, json.error);
        }
      }).catch(function () {
        button.disabled = false;
        form.submit();  // the network or the script failed: fall back to a plain post
      });
    } else if (form.classList.contains("like-form")) {
      event.preventDefault();
      post(form.action, new FormData(form)).then(function (json) {
        if (json.status === 401 && json.login) {
          window.location.href = json.login;
          return;
        }
        if (!json.ok) {
          showError(form, json.error);
          return;
        }
        var button = form.querySelector(".like-button");
        button.setAttribute("aria-pressed", json.liked ? "true" : "false");
        button.firstChild.textContent = json.liked ? "Liked" : "Like";
        form.closest(".comment-actions").querySelector(".comment-likes").textContent = json.label;
      }).catch(function () { form.submit(); });
    }
  });
})();
