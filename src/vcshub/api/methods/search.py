"""Full-text search (REFERENCE.md 5, RC-later ``search``): any user, hits filtered by what he
may read. Bad arguments answer as RhodeCode's schema does, an object naming the argument."""

from __future__ import annotations

from typing import Annotated

from vcshub.api.call import Call
from vcshub.api.coercion import AsInt, Text
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.serializers import search as serializer
from vcshub.services.errors import Invalid
from vcshub.services.search import query

methods = MethodSet()
Number = Annotated[int, AsInt(allow_null=False)]


@methods.method(writes=False)
def search(call: Call, search_query: Text, search_type: Text, page_limit: Number = 10,
           page: Number = 1, search_sort: Text = "desc:date", repo_name: Text = None,
           repo_group_name: Text = None):
    if not (search_query or "").strip():
        return {"execution_time": ""}  # RhodeCode runs no search for an empty query
    try:
        found = query.search(
            call.uow, call.caller, search_query, search_type or "content",
            repo_name=repo_name or None, repo_group_name=repo_group_name or None,
            page=page, page_limit=page_limit, sort=search_sort or "desc:date",
        )
    except Invalid as exc:
        raise ApiError({exc.field: exc.reason}) from None
    return serializer.results_data(found)
