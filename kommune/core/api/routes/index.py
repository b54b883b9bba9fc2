"""GET /api/v1/: the API's front door, a JSON index of its resources with links to the schema and the docs.

The list is read from the OpenAPI schema, so it names every resource any app registered and never goes stale."""

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

router = Router(tags=["Index"])


class ResourceOut(Schema):
    path: str
    methods: list[str]
    summaries: list[str]


class IndexOut(Schema):
    title: str
    version: str
    schema_url: str
    docs_url: str
    resources: list[ResourceOut]


@router.get("/", response=IndexOut, auth=None, summary="List the resources of the API", include_in_schema=False)
def index(request: HttpRequest):
    from kommune.core.api.api import get_api  # api.py imports this module to build the API

    schema = get_api().get_openapi_schema()
    resources = [{"path": path, "methods": [method.upper() for method in operations],
                  "summaries": [operation.get("summary", "") for operation in operations.values()]}
                 for path, operations in schema["paths"].items()]
    return {"title": schema["info"]["title"], "version": schema["info"]["version"],
            "schema_url": request.build_absolute_uri(reverse("api_v1:openapi-json")),
            "docs_url": request.build_absolute_uri(reverse("api:docs")), "resources": resources}
