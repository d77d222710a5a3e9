"""Paging for long lists without counting more than a page is worth.

An exact COUNT(*) over a million visible carriers costs more than the page itself; above the cap
(settings.REGISTRY["LIST_COUNT_CAP"], default 10,000) the count says "more than 10,000" instead,
by counting at most cap + 1 rows. Lists show "10,000+" and the API says `count_capped: true`."""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


def count_cap() -> int:
    return int(settings.REGISTRY.get("LIST_COUNT_CAP", 10_000))


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        cap = count_cap()
        rows = self.object_list
        if hasattr(rows, "query"):
            # count ids only: no joins of select_related, no ordering
            counted = rows.order_by().values("pk")[: cap + 1].count()
        else:
            counted = len(rows)
        self._capped = counted > cap
        return min(counted, cap)

    @property
    def count_capped(self) -> bool:
        """True when there are more rows than `count` says (read after count)."""
        return self.count is not None and getattr(self, "_capped", False)
