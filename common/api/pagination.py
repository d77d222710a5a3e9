from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class SeqCursorPagination(pagination.CursorPagination):
    """Stable paging through an ever-growing, append-only table."""

    ordering = "-seq"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
