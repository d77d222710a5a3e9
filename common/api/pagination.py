from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from common.pagination import CappedPaginator


def _refuse_bad_numbers(request, *names):
    """`?page=abc`, `?page=0` or `?page_size=-1` is a refused request (400 with the parameter's
    error), not a missing page: the schema says these are integers from 1."""
    errors = {}
    for name in names:
        value = request.query_params.get(name)
        if value is None or value == "last" and name == "page":
            continue
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            errors[name] = [_("A whole number from 1 is required.")]
    if errors:
        raise ValidationError(errors)


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number paging with a capped count (common.pagination): above the cap, `count` is the
    cap and `count_capped` is true."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        _refuse_bad_numbers(request, self.page_query_param, self.page_size_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.count_capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true when there are more rows than `count` (the count stops at the cap)",
        }
        answer["required"] = sorted({*answer.get("required", []), "count_capped"})
        return answer


class SeqCursorPagination(pagination.CursorPagination):
    """Stable paging through an ever-growing, append-only table."""

    ordering = "-seq"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        _refuse_bad_numbers(request, self.page_size_query_param)
        return super().paginate_queryset(queryset, request, view)
