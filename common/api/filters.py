"""The API's filter backend: django-filter's, with one difference. An empty value of a typed filter
(a date, a number, an id, a choice, true/false) is refused with 400 like any other value that is not
of its type, instead of being read as "no filter": the schema says `format: date` or an enum, and an
integrator who sends `until=` by mistake must learn it rather than get every row. An empty text
filter (`q=`) still means no filter. The pages' filter forms are not concerned (they do not go
through this backend)."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from .params import sent_blank

TEXT_FILTERS = (django_filters.CharFilter,)


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, spec in filterset_class.base_filters.items():
                if isinstance(spec, TEXT_FILTERS):
                    continue
                if sent_blank(request.query_params, name):
                    field = spec.field
                    message = field.error_messages.get("invalid") or field.error_messages.get("invalid_choice")
                    if message is None or "%(" in str(message):
                        message = field.error_messages.get("required")
                    errors[name] = [str(message)]
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
