"""The moderation desk: what the comment admin adds to a stock changelist and change form.

One-click Approve / Spam / Trash on each row and on the change form (POST forms, through the
moderation services), replying as the signed-in editor, the article's title and link instead
of a content type and an object id, and each comment's history (the spam pipeline's verdict,
editors' decisions, readers' reports). The keyboard shortcuts live in
static/js/comment-desk.js.

Just over 400 lines: it is one admin mixin (the views it adds and the columns they need),
and splitting the mixin would scatter one screen's behaviour over several files.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

# The services the desk calls, in this one block (comments/ is being split by concern).
from blog.models import Article
from comments.discussion.selectors import comment_link, comment_url
from comments.discussion.services import comment_post
from comments.discussion.submission import CommentSubmission
from comments.models import CommentModeration, CommentReport
from comments.moderation import actions as services
from comments.moderation.akismet import akismet_enabled
from comments.moderation.pipeline import CommentRejected
from comments.social.identity import commenter_name, social_profile_of
from comments.web import client_ip

Status = CommentModeration.Status


def comment_status(comment) -> str:
    """published / held / spam / removed, from what readers see and the moderation record."""
    if comment.is_removed:
        return Status.REMOVED
    if comment.is_public:
        return Status.PUBLISHED
    record = getattr(comment, "moderation", None)
    return Status.SPAM if record and record.status == Status.SPAM else Status.HELD


def can_moderate(user) -> bool:
    return user.has_perm("django_comments.can_moderate")


@dataclass(frozen=True)
class DeskAction:
    label: str
    key: str  # the keyboard shortcut, as in WordPress
    status: str  # the status it leads to: no button on comments already there
    done: str


DESK_ACTIONS = {
    "approve": DeskAction("Approve", "a", Status.PUBLISHED, "approved"),
    "spam": DeskAction("Spam", "s", Status.SPAM, "marked as spam"),
    "trash": DeskAction("Trash", "d", Status.REMOVED, "moved to the trash (removed)"),
}
DESK_SERVICES = {
    "approve": services.comment_approve,
    "spam": services.comment_mark_spam,
    "trash": services.comment_remove,
}


def comment_article(comment) -> Article | None:
    """The article a comment is on (looked up once; the changelist loads a page's at once)."""
    if not hasattr(comment, "desk_article"):
        pk = comment.object_pk
        comment.desk_article = Article.objects.filter(pk=pk).first() if pk.isdigit() else None
    return comment.desk_article


def attach_articles(comments) -> None:
    """Give each of `comments` its article, in one query."""
    ids = {int(c.object_pk) for c in comments if c.object_pk.isdigit()}
    articles = Article.objects.only("title", "slug", "published_at", "created_at").in_bulk(ids)
    for comment in comments:
        pk = comment.object_pk
        comment.desk_article = articles.get(int(pk)) if pk.isdigit() else None


def reply_refusal(comment) -> str:
    """Why an editor cannot reply to `comment` (empty when they can)."""
    if comment_status(comment) in (Status.SPAM, Status.REMOVED):
        return "Readers cannot see this comment: approve it before replying."
    if comment.level >= settings.COMMENTS_XTD_MAX_THREAD_LEVEL:
        return "This thread is as deep as it can go: reply to an earlier comment instead."
    if comment_article(comment) is None:
        return "The article of this comment no longer exists."
    return ""


class ReplyForm(forms.Form):
    comment = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, parent, **kwargs):
        # Its own ids: on the change form it stands beside the comment's own "comment" field.
        super().__init__(*args, auto_id="reply_%s", **kwargs)
        self.parent = parent

    def clean_comment(self):
        text = self.cleaned_data["comment"].strip()
        limit = settings.COMMENTS_MAX_LENGTH
        if len(text) > limit:
            raise forms.ValidationError(f"Keep it to {limit} characters (it has {len(text)}).")
        return text

    def clean(self):
        refusal = reply_refusal(self.parent)
        if refusal:
            raise forms.ValidationError(refusal)
        return super().clean()


class ModerationDeskMixin:
    """For the comment ModelAdmin: desk columns, per-row actions, reply, change form."""

    # --- Columns ---------------------------------------------------------------------------

    @staticmethod
    def _when(value) -> str:
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")

    @admin.display(description="comment")
    def comment_summary(self, comment):
        return format_html(
            '<span class="desk-author">{}</span> <span class="desk-meta">{}{}</span>'
            '<span class="desk-excerpt">{}</span>',
            comment.user_name or "Anonymous",
            self._when(comment.submit_date),
            " · reply" if comment.level else "",
            Truncator(comment.comment).chars(160) or "(no text)",
        )

    @admin.display(description="article")
    def article_link(self, comment):
        article = comment_article(comment)
        if article is None:
            return "–"
        comment.article = article
        # A list: a public comment's redirect address finds its comment page when followed.
        public = comment.is_public and not comment.is_removed
        return format_html(
            '<a href="{}">{}</a>',
            comment_link(comment)
            if public
            else f"{article.get_absolute_url()}#comment-{comment.pk}",
            Truncator(article.title).chars(70),
        )

    @admin.display(description="status")
    def status_and_reasons(self, comment):
        status = comment_status(comment)
        record = getattr(comment, "moderation", None)
        reasons = record.reasons if record else []
        return format_html(
            '<strong class="desk-status desk-status-{}">{}</strong>{}',
            status,
            Status(status).label,
            format_html(
                "<ul class='moderation-reasons'>{}</ul>",
                format_html_join(
                    "",
                    "<li><b>{}</b> ({}): {}</li>",
                    ((r["check"], r["verdict"], r["detail"]) for r in reasons),
                ),
            )
            if reasons
            else "",
        )

    @admin.display(description="moderate")
    def desk_buttons(self, comment):
        """Buttons of the "comment-desk" form that the page renders once, outside the
        changelist's own form (forms cannot nest)."""
        status = comment_status(comment)
        buttons = format_html_join(
            "",
            '<button type="submit" form="comment-desk" formaction="{}" class="desk-button '
            'desk-{}" data-desk-key="{}" title="{} (key {})">{}</button>',
            (
                (self._url("desk", comment.pk, name), name, a.key, a.label, a.key, a.label)
                for name, a in DESK_ACTIONS.items()
                if a.status != status
            ),
        )
        reply = ""
        if not reply_refusal(comment):
            reply = format_html(
                '<a class="desk-reply" data-desk-key="r" href="{}" title="Reply (key r)">Reply</a>',
                self._url("reply", comment.pk),
            )
        return format_html('<div class="desk-buttons">{}{}</div>', buttons, reply)

    def _url(self, view: str, *args) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if not can_moderate(request.user):
            columns = [c for c in columns if c != "desk_buttons"]
        return columns

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        attach_articles(changelist.result_list)
        return changelist

    def changelist_view(self, request, extra_context=None):
        context = {"can_moderate": can_moderate(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    # --- The change form -------------------------------------------------------------------

    @admin.display(description="article")
    def article_and_thread(self, comment):
        article = comment_article(comment)
        if article is None:
            return "The article no longer exists."
        in_reply = ""
        if comment.parent_id != comment.pk:
            in_reply = format_html(
                '<br>In reply to <a href="{}">comment {}</a>',
                self._url("change", comment.parent_id),
                comment.parent_id,
            )
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">edit the article</a>){}',
            comment_url(comment, article=article),
            article.title,
            reverse("admin:blog_article_change", args=[article.pk]),
            in_reply,
        )

    def account(self, comment):
        if comment.user is None:
            return "Guest (no account)"
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("admin:auth_user_change", args=[comment.user.pk]),
            comment.user.get_username(),
            " (staff)" if comment.user.is_staff else "",
        )

    @admin.display(description="user agent")
    def user_agent(self, comment):
        record = getattr(comment, "moderation", None)
        return (record.user_agent if record else "") or "–"

    @admin.display(description="what happened")
    def history(self, comment):
        """The spam pipeline's verdict, editors' decisions and edits, readers' reports."""
        events = []
        record = getattr(comment, "moderation", None)
        if record is not None:
            verdict = "objections: " + record.reasons_text if record.reasons else "no objection"
            events.append((record.checked_at, f"Checked by the spam pipeline ({verdict})."))
        decisions = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(comment, for_concrete_model=False),
            object_id=str(comment.pk),
        ).select_related("user")
        for entry in decisions:
            events.append((entry.action_time, f"{entry.user}: {entry.get_change_message()}"))
        if record is not None and record.reviewed_at and not decisions:
            events.append((record.reviewed_at, f"Reviewed by {record.reviewed_by}."))
        for report in CommentReport.objects.filter(comment=comment).select_related("user"):
            who = report.user.get_username() if report.user else "a guest"
            events.append((report.created_at, f"Reported by {who}: {report.reason or '–'}"))
        if not events:
            return "–"
        return format_html(
            "<ul class='desk-history'>{}</ul>",
            format_html_join(
                "",
                "<li><time>{}</time> {}</li>",
                ((self._when(when), text) for when, text in sorted(events, key=lambda e: e[0])),
            ),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and can_moderate(request.user):
            context.update(
                can_moderate=True,
                desk_buttons=self.desk_buttons(obj),
                reply_form=ReplyForm(parent=obj),
                reply_refusal=reply_refusal(obj),
                reply_url=self._url("reply", obj.pk),
                reply_as=commenter_name(request.user, social_profile_of(request.user)),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Desk views ------------------------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        desk = [
            path(
                "<int:object_id>/desk/<slug:action>/",
                self.admin_site.admin_view(self.desk_action_view),
                name=f"{name}_desk",
            ),
            path(
                "<int:object_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name=f"{name}_reply",
            ),
        ]
        return desk + super().get_urls()

    def _desk_comment(self, request, object_id):
        if not (can_moderate(request.user) and self.has_view_or_change_permission(request)):
            raise PermissionDenied
        comment = self.get_object(request, str(object_id))
        if comment is None:
            raise Http404("That comment no longer exists.")
        return comment

    def _return_url(self, request) -> str:
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return self._url("changelist")

    def desk_action_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in DESK_ACTIONS:
            raise Http404("No such moderation action.")
        comment = self._desk_comment(request, object_id)
        desk_action = DESK_ACTIONS[action]
        result = DESK_SERVICES[action](comment, by=request.user)
        self.log_change(request, comment, desk_action.done.capitalize() + ".")
        self.message_user(
            request, f"Comment by {comment.user_name} {desk_action.done}.", messages.SUCCESS
        )
        if action == "spam" and akismet_enabled() and not result:
            self.message_user(request, "Akismet could not be told (see the log).", messages.WARNING)
        return HttpResponseRedirect(self._return_url(request))

    def reply_view(self, request, object_id):
        parent = self._desk_comment(request, object_id)
        form = ReplyForm(request.POST or None, parent=parent)
        form.fields["comment"].widget.attrs["autofocus"] = True  # reached by the "r" key
        if request.method == "POST" and form.is_valid():
            try:
                reply = self._post_reply(request, parent, form.cleaned_data["comment"])
            except CommentRejected as rejection:
                form.add_error(None, rejection.message)
            else:
                self.message_user(
                    request,
                    format_html(
                        'Your reply to {} is published: <a href="{}">see it on the site</a>.',
                        parent.user_name,
                        comment_url(reply, article=comment_article(parent)),
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._return_url(request))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reply to {parent.user_name}",
            "reply_as": commenter_name(request.user, social_profile_of(request.user)),
            "opts": self.opts,
            "parent": parent,
            "article": comment_article(parent),
            "form": form,
            "refusal": reply_refusal(parent),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)

    def _post_reply(self, request, parent, text: str):
        """Post `text` under `parent` as the signed-in editor; a held parent is approved
        first, as WordPress's "Approve and Reply" does (a reply under a hidden comment
        would stand under a placeholder)."""
        if comment_status(parent) == Status.HELD:
            services.comment_approve(parent, by=request.user)
            self.log_change(request, parent, "Approved (to reply).")
        user = request.user
        reply = comment_post(
            submission=CommentSubmission(
                article=comment_article(parent),
                user=user,
                name=commenter_name(user, social_profile_of(user)),
                email=user.email,
                url="",
                text=text,
                parent=parent,
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:500],
            )
        ).comment
        self.log_change(request, parent, f"Replied (comment {reply.pk}).")
        return reply
