"""Signing staff in from a real browser: /admin/ sends them to allauth's login page."""


def staff_sign_in(page, base_url: str, email: str, password: str, next_path: str = "/admin/"):
    page.goto(f"{base_url}{next_path}")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"**{next_path}")
