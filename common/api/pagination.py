from rest_framework import pagination
from rest_framework.response import Response

from common.pagination import CappedPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number paging with a capped count (common.pagination): above the cap, `count` is the
    cap and `count_capped` is true."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

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
