from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, count: int | None = None):
    """A page of results; an out-of-range or malformed page number shows the nearest page.

    `count`: the number of results when the page already knows it (from counts it shows
    anyway), which spares the paginator its COUNT query over the same filter."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # overrides the cached_property before it ever runs
    return paginator.get_page(request.GET.get("page"))


def sort_headers(request, columns, *, default: str) -> dict[str, dict]:
    """For each sortable column of a list: the link that sorts by it (or reverses it), back to
    the first page, and its aria-sort state; `default` is the sort when none is asked for."""
    current = request.GET.get("sort") or default
    headers = {}
    for key in columns:
        query = request.GET.copy()
        query.pop("page", None)
        if current == key:
            state, query["sort"] = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, query["sort"] = "descending", key
        else:
            state, query["sort"] = "none", key
        headers[key] = {"url": f"?{query.urlencode()}", "aria_sort": state}
    return headers
