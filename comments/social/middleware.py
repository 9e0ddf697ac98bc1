"""Keep the login popup connected to the article page that opened it."""

# The login popup passes through these pages (this site's start and end of the login, and
# allauth's callbacks and sign-up page). Browsers cut the popup off from its opener as soon as
# one of them (even a redirect) says Cross-Origin-Opener-Policy "same-origin" or
# "same-origin-allow-popups" while the provider's pages say nothing.
POPUP_PATHS = ("/comments/login/", "/accounts/")


class LoginPopupOpenerPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(POPUP_PATHS):
            # Set before SecurityMiddleware sees the response, which only fills in a default.
            response.headers.setdefault("Cross-Origin-Opener-Policy", "unsafe-none")
        return response
