"""Following by email: the "Follow" box, following an article's discussion, and the pages
the emails' links lead to (confirm, stop, manage, resume, one-click unsubscribe).

Every view that changes data is POST-only (or shows a page with a button on GET: mail
scanners open links) and CSRF-protected, but for the RFC 8058 one-click unsubscribe endpoint.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blog.guest_csrf import guest_origin_protect
from blog.pages import published_article_or_404
from comments.discussion.selectors import discussion_subscription
from comments.models import Subscription
from comments.notifications import services
from comments.notifications.forms import FollowForm
from comments.ratelimit import mail_request_count, mail_request_wait, too_many_requests_message
from comments.web import too_many_requests


def _subscription(token: str) -> Subscription | None:
    if len(token) > 64:
        return None
    return Subscription.objects.select_related("article").filter(token=token).first()


def _invalid_link(request):
    return render(request, "comments/subscription_invalid.html", status=404)


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@guest_origin_protect
@require_POST
def follow(request):
    """The "Follow" box: subscribe an address to new posts (confirmed by email first)."""
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/follow.html", {"follow_form": form}, status=400)
    wait = mail_request_wait(request)
    if wait:
        form.add_error(None, too_many_requests_message(wait))
        page = render(request, "comments/follow.html", {"follow_form": form})
        return too_many_requests(page, wait)
    mail_request_count(request)
    email = form.cleaned_data["email"]
    subscription = services.subscription_create(
        email=email, kind=Subscription.Kind.POSTS, user=request.user
    )
    if subscription.is_active and request.user.is_authenticated:
        messages.success(request, f"Done: new posts will be emailed to {subscription.email}.")
    else:
        # The same answer whether or not the address follows already: the form must not
        # tell strangers who subscribes.
        messages.success(
            request,
            f"Almost done: we emailed a confirmation link to {subscription.email} (unless it "
            "follows new posts already). Nothing else is sent until it is clicked.",
        )
    return redirect(_safe_next(request, form.cleaned_data["next"]))


@guest_origin_protect
@require_POST
def follow_article(request, article_id):
    """A signed-in reader follows (or stops following) an article's discussion."""
    article = published_article_or_404(article_id)
    anchor = f"{article.get_absolute_url()}#comments"
    if not request.user.is_authenticated:
        return redirect_to_login(anchor)
    if not request.user.email:
        messages.error(request, "Your account has no email address to send notifications to.")
        return redirect(anchor)
    if request.POST.get("follow") == "off":
        subscription = discussion_subscription(article, request.user)
        if subscription is not None:
            services.subscription_cancel(subscription=subscription)
        messages.success(request, "You no longer follow this discussion.")
        return redirect(anchor)
    wait = mail_request_wait(request)
    if wait:
        context = {"message": too_many_requests_message(wait), "back": anchor}
        return too_many_requests(render(request, "comments/too_many_requests.html", context), wait)
    mail_request_count(request)
    subscription = services.subscription_create(
        email=request.user.email,
        kind=Subscription.Kind.COMMENTS,
        article=article,
        user=request.user,
    )
    if subscription.is_active:
        messages.success(request, "You follow this discussion: new comments will be emailed.")
    else:
        messages.success(
            request,
            f"Please confirm: we emailed a link to {subscription.email}. Nothing else is sent "
            "until it is clicked.",
        )
    return redirect(anchor)


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    """The double opt-in link: a page with a button (link checkers that open every link in
    an email must not confirm on the reader's behalf), which confirms."""
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    confirmed = []
    if subscription.unsubscribed_at:
        state = "stopped"
    elif subscription.confirmed_at:
        state = "already"
    elif subscription.confirmation_expired:
        state = "expired"
    elif request.method == "POST":
        confirmed = services.subscription_confirm(subscription=subscription)
        state = "done"
    else:
        state = "ask"
        confirmed = Subscription.objects.confirmed_together_with(subscription).select_related(
            "article"
        )
    context = {"subscription": subscription, "state": state, "confirmed": confirmed}
    return render(
        request,
        "comments/subscription_confirm.html",
        context,
        status=410 if state == "expired" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_stop(request, token):
    """Unsubscribe from new posts, or mute an article's comments: a page with a button."""
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    if request.method == "POST":
        state = "done" if services.subscription_cancel(subscription=subscription) else "already"
    else:
        state = "already" if subscription.unsubscribed_at else "ask"
    return render(
        request, "comments/subscription_stop.html", {"subscription": subscription, "state": state}
    )


# RFC 8058 one-click unsubscribe: the mailbox provider POSTs "List-Unsubscribe=One-Click"
# here, without the reader's cookies or a CSRF token. The random token in the address is
# what authorizes it (a forger cannot know it), so CSRF protection has nothing to add.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def one_click(request, token):
    if request.method == "GET":
        # A mail client without one-click support opens the link: show the page and button.
        return redirect("comments:subscription_stop", token=token)
    subscription = _subscription(token)
    if subscription is None:
        return HttpResponse("Unknown unsubscribe link.", status=404, content_type="text/plain")
    services.subscription_cancel(subscription=subscription)
    return HttpResponse("Unsubscribed.", content_type="text/plain")


@never_cache
@require_GET
def subscriptions(request, token):
    """Every subscription of the address the link was mailed to, with buttons to stop or
    resume each."""
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    address_subscriptions = (
        Subscription.objects.of_address(subscription.email)
        .select_related("article")
        .order_by("kind", "-created_at")
    )
    context = {"subscription": subscription, "subscriptions": address_subscriptions}
    return render(request, "comments/subscriptions.html", context)


@require_POST
def subscription_resume(request, token):
    subscription = _subscription(token)
    if subscription is None:
        return _invalid_link(request)
    if services.subscription_resume(subscription=subscription):
        messages.success(request, f"Resumed: {subscription}.")
    return redirect(subscription.manage_url())
