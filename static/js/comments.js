/* Wirepress discussion: reply in place, post and like without a full reload.
   Progressive enhancement only: every action also works as a plain link or form. */
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  if (!respond || !home) return;

  function $(selector, root) { return (root || document).querySelector(selector); }

  var NOT_SAVED = "This could not be saved just now (a short technical problem). Please try again in a moment.";

  function setReplyTarget(commentId, author) {
    var form = $("#commentform", respond);
    form.elements.reply_to.value = commentId || "";
    $("[data-reply-heading]", respond).textContent = commentId ? "Leave a Reply to " + author : "Leave a Reply";
    $("#cancel-comment-reply-link", respond).hidden = !commentId;
  }

  function moveFormUnder(commentId, author) {
    var item = document.getElementById("comment-" + commentId);
    if (!item || item.classList.contains("comment-gone")) return false;
    // Under the comment's own text and actions, above its replies.
    item.insertBefore(respond, item.querySelector(":scope > ol.children"));
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
      return response.json().then(function (json) {
        json.status = response.status;
        return json;
      }, function () {
        // Not JSON (a proxy's error page, a server in trouble): nothing was saved, and what
        // the reader typed stays where it is.
        return { ok: false, status: response.status, error: NOT_SAVED };
      });
    });
  }

  // A message from the server when there is no form to show (e.g. the article was unpublished).
  function showError(before, message) {
    var previous = before.previousElementSibling;
    if (previous && previous.classList.contains("form-error")) previous.remove();
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
    // Sent again after a lost answer: the server points at the comment already stored.
    var shown = document.getElementById("comment-" + json.id);
    if (shown) return shown;
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
    // Buttons with their own formaction (log in, log out) are not "Post Comment".
    var posting = !(event.submitter && event.submitter.hasAttribute("formaction"));
    if (form.id === "commentform" && posting) {
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
    } else if (form.id === "comment-action-form" && event.submitter &&
               event.submitter.classList.contains("comment-like-button")) {
      // Every Like button submits the discussion's one form, to its own formaction.
      event.preventDefault();
      var like = event.submitter;
      post(like.formAction, new FormData(form)).then(function (json) {
        if (json.status === 401 && json.login) {
          window.location.href = json.login;
          return;
        }
        if (!json.ok) {
          showError(like, json.error);
          return;
        }
        var word = json.liked ? "Liked" : "Like";
        like.setAttribute("aria-pressed", json.liked ? "true" : "false");
        like.setAttribute("aria-label", like.getAttribute("aria-label").replace(/^Liked?/, word));
        like.textContent = word;
        // The likes line is the text just before the button (none while nobody likes it).
        var likes = like.previousSibling;
        if (!likes || likes.nodeType !== Node.TEXT_NODE) {
          likes = document.createTextNode("");
          like.before(likes);
        }
        likes.nodeValue = json.label ? "\n" + json.label + " " : "\n";
        document.getElementById("comment-like-status").textContent = json.label || "No likes yet";
      }).catch(function () {
        form.action = like.formAction;  // a plain post, as without JavaScript
        form.submit();
      });
    }
  });

  /* Logging in (or out) to comment without leaving the page. A provider icon opens the
     provider in a popup ("Connecting to Google…"); the popup's last page posts a message
     here, and the form is fetched again for who the reader now is, keeping what they typed.
     Without JavaScript, or when popups are blocked, the icon submits the form instead and
     the server keeps the text across the round trip (comments/views.py). */
  var KEEP = ["comment", "reply_to", "notify_comments", "notify_posts", "name", "email", "url", "remember"];
  var loginPopup = null;
  var loginWatch = null;

  function typedValues() {
    var form = $("#commentform", respond);
    var values = {};
    KEEP.forEach(function (name) {
      var field = form.elements[name];
      if (field) values[name] = field.type === "checkbox" ? field.checked : field.value;
    });
    return values;
  }

  function restoreValues(values) {
    var form = $("#commentform", respond);
    KEEP.forEach(function (name) {
      var field = form.elements[name];
      if (!field || field.disabled || !(name in values)) return;
      if (field.type === "checkbox") field.checked = values[name];
      else if (field.type !== "hidden" || name === "reply_to") field.value = values[name];
    });
    if (values.reply_to) {
      var link = document.querySelector('.comment-reply-link[data-comment-id="' + values.reply_to + '"]');
      setReplyTarget(values.reply_to, link ? link.dataset.author : "");
    }
  }

  function swapForm(html) {
    var values = typedValues();
    replaceForm(html);
    restoreValues(values);
    // Logging in renews the CSRF token: the like buttons must send the new one. A page
    // served to guests (from the cache) has no token at all: the forms get one here.
    var token = $("input[name=csrfmiddlewaretoken]", respond);
    if (!token) return;
    document.querySelectorAll('form[method="post"]').forEach(function (form) {
      var input = form.querySelector("input[name=csrfmiddlewaretoken]");
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        form.prepend(input);
      }
      input.value = token.value;
    });
  }

  function setLoginStatus(text) {
    var status = $(".login-status", respond);
    if (status) status.textContent = text;
  }

  function refreshForm() {
    return fetch(respond.dataset.formUrl, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error("form " + response.status);
      return response.text();
    }).then(function (html) {
      swapForm(html);
      ($(".login-notice", respond) || $("#id_comment", respond)).focus();
    });
  }

  function loginFinished() {
    clearInterval(loginWatch);
    loginWatch = null;
    loginPopup = null;
    refreshForm().catch(function () { setLoginStatus(""); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".social-login[data-popup-url]");
    if (!button) return;
    var popup = window.open(button.dataset.popupUrl, "wirepress-login", "popup,width=520,height=680");
    if (!popup) return;  // blocked: the button submits the form, as without JavaScript
    event.preventDefault();
    loginPopup = popup;
    setLoginStatus("Connecting to " + button.dataset.providerName + "…");
    clearInterval(loginWatch);
    // The reader may close the popup, or the provider may cut it off from this page.
    loginWatch = setInterval(function () {
      if (loginPopup && loginPopup.closed) loginFinished();
    }, 500);
  });

  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin || !event.data) return;
    if (event.data.type === "wirepress:login") loginFinished();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (form.id !== "commentform" || !button || !button.dataset.identityAction) return;
    event.preventDefault();
    var data = new FormData(form);
    if (button.name) data.append(button.name, button.value);
    post(button.formAction, data).then(function (json) {
      if (!json.ok) throw new Error("logout " + json.status);
      swapForm(json.form);
      var change = button.dataset.identityAction === "change";
      ((change && $("#comment-login", respond)) || $(".login-notice", respond) || $("#id_comment", respond)).focus();
    }).catch(function () {
      // Fall back to a plain post to the same place (the server keeps the text then).
      if (button.name) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = button.name;
        hidden.value = button.value;
        form.appendChild(hidden);
      }
      form.action = button.formAction;
      form.submit();
    });
  });
})();
