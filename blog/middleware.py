"""A query string the database cannot store (a NUL, a lone surrogate) is a 400 before any
view runs: every search box, filter and picker would otherwise pass it to a query, and
PostgreSQL answers a NUL with an error (a 500). Forms' own fields refuse NUL with a message;
this covers the parameters read straight from `request.GET`, the admin's `?q=` included."""

from django.core.exceptions import BadRequest

from blog.validators import storable


class RefuseUnstorableQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            if not all(storable(text) for text in (key, *values)):
                raise BadRequest("The query string holds a character no database can store.")
        return self.get_response(request)
