"""Readers' side of moderation: reporting a comment to the editors."""

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from comments.discussion.selectors import comment_url, likeable_comment
from comments.moderation import actions
from comments.moderation.forms import ReportForm
from comments.web import client_ip


@require_http_methods(["GET", "POST"])
def report_comment(request, comment_id):
    """Report a comment to the editors. Signed-in readers post the button under the comment;
    guests (and anyone without a reason typed yet) fill a small form here."""
    found = likeable_comment(comment_id)
    if found is None:
        raise Http404("No such comment.")
    comment, article = found
    anchor = comment_url(comment, article=article)
    form = ReportForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data.get("email", "")
        # One report per comment and browser address a day, whatever emails or accounts it
        # uses: a handful of accounts made from one address must not add up to a hold.
        ip_key = f"comments:report:{comment.pk}:{client_ip(request)}"
        first_from_ip = cache.add(ip_key, 1, timeout=86400)
        counted = first_from_ip and actions.comment_report(
            comment=comment, user=request.user, email=email, reason=form.cleaned_data["reason"]
        )
        if counted:
            messages.success(request, "Thank you: the editors will review this comment.")
        else:
            messages.info(request, "You have already reported this comment: editors will see it.")
        return redirect(anchor)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "comments/report.html",
        {"form": form, "comment": comment, "article": article, "anchor": anchor},
        status=status,
    )
