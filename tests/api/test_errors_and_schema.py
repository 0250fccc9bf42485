"""One error format, in the client's language; bad input is a 4xx, never a 500; the schema."""

import pytest
from rest_framework.test import APIClient

from clusters.models import Result

pytestmark = pytest.mark.django_db


def _bulk_url(year):
    return f"/api/v1/cluster-years/{year.pk}/results/bulk/"


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_malformed_json_is_400(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    response = api.generic("POST", _bulk_url(year), "{not json", content_type="application/json")
    assert _error(response, 400)["code"] == "malformed"
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {},
        {"results": "1.1"},
        {"results": []},
        {"results": [{"criterion": "1.1", "self_score": "mười", "revision": 0}]},
        {"results": [{"criterion": "1.1", "self_score": "8", "revision": -1}]},
        {"results": [{"criterion": "1.1", "self_score": "8"}]},
        {"results": [{"criterion": ["1.1"], "self_score": "8", "revision": 0}]},
        {"results": [{"criterion": "1.1", "self_score": "8", "revision": 0, "province": 1}]},
        {"results": [{"criterion": "1.1", "revision": 0}], "province_id": 5},
        {"results": [{"criterion": "1.1", "revision": 0}, {"criterion": "1.1", "revision": 0}]},
        {"results": [{"criterion": "9.9", "self_score": "1", "revision": 0}]},
        {"results": [{"criterion": "1.1", "self_score": "1e400", "revision": 0}]},
    ],
)
def test_bad_input_is_400_in_the_error_format_and_saves_nothing(
    client_for, officer_dak_lak, year, body
):
    api = client_for(officer_dak_lak)
    response = api.post(_bulk_url(year), body, format="json")
    assert _error(response, 400)["code"] == "invalid"
    assert not Result.objects.exists()


def test_unknown_fields_are_named(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    body = {"results": [{"criterion": "1.1", "revision": 0, "province": 7}]}
    error = _error(api.post(_bulk_url(year), body, format="json"), 400)
    assert "province" in str(error["fields"])


def test_messages_in_vietnamese_when_asked(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    response = api.post(_bulk_url(year), {"results": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    error = _error(response, 400)
    assert error["message"] == "Dữ liệu gửi lên không hợp lệ."
    missing = _error(api.get("/api/v1/cluster-years/999999/", HTTP_ACCEPT_LANGUAGE="vi"), 404)
    assert missing["message"] == "Không tìm thấy."
    anonymous = _error(APIClient().get("/api/v1/provinces/", HTTP_ACCEPT_LANGUAGE="vi"), 401)
    assert anonymous["code"] == "not_authenticated"


def test_wrong_method_and_non_numeric_ids_are_4xx(client_for, board_reviewer, year):
    api = client_for(board_reviewer)
    assert _error(api.delete(f"/api/v1/cluster-years/{year.pk}/"), 405)
    assert api.get("/api/v1/cluster-years/abc/").status_code == 404
    assert api.get("/api/v1/provinces/abc/").status_code == 404
    assert _error(api.get(f"/api/v1/cluster-years/{year.pk}/results/?province=x"), 400)


def test_schema_is_openapi_3(client_for, board_reviewer, api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/cluster-years/{id}/results/bulk/" in schema["paths"]
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_reference_page_is_served_without_a_cdn(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page and "cdn.jsdelivr" not in page and "unpkg" not in page


def test_every_v1_url_refuses_anonymous_with_401(api, year):
    """Walks the API's resolver: nothing under /api/v1/ answers an anonymous client."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    routes = [
        r
        for r in walk(get_resolver().url_patterns)
        if r.startswith("api/v1/") and "format" not in r
    ]
    assert len(routes) >= 10
    for route in routes:
        url = "/" + route
        for name in ("(?P<pk>[^/.]+)", "(?P<pk>\\d+)"):
            url = url.replace(name, str(year.pk))
        url = url.replace("(?P<code>[^/.]+)", year.cluster.code)
        url = url.replace("^", "").replace("$", "")
        for method in (api.get, api.post):
            response = method(url)
            assert response.status_code in (401, 405), (url, response.status_code)
