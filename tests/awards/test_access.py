"""Who sees and does what, for every role, and every awards URL behind the access layer."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from awards import access
from awards.models import Nomination, NominationStatus
from awards.services.nominations import nominations_from_ballot
from provinces.models import Province

from .helpers import closed_ballot, complete, manual, set_status

pytestmark = pytest.mark.django_db
S = NominationStatus


@pytest.fixture
def dak_lak(nominations_2022, officer_dak_lak):
    nomination = nominations_2022["Đắk Lắk"]
    complete(nomination, officer_dak_lak)
    return nomination


@pytest.fixture
def year_2023_nominations(seed_year_2023):
    """2023, when Bình Định coordinates the cluster."""
    ballot = closed_ballot(seed_year_2023)
    return {n.province.name: n for n in nominations_from_ballot(ballot_id=ballot.pk)}


def test_visibility_by_role(personas, nominations_2022, year_2023_nominations, client):
    everything = set(Nomination.objects.values_list("pk", flat=True))
    for name in ("reviewer", "observer", "admin"):
        assert (
            set(access.nominations_visible_to(personas[name]).values_list("pk", flat=True))
            == everything
        )
    # Đắk Lắk led the cluster in 2022: its officer reads that year's nominations, and only
    # its own province's in 2023.
    officer = set(access.nominations_visible_to(personas["officer"]).values_list("pk", flat=True))
    assert officer == {n.pk for n in nominations_2022.values()} | {
        year_2023_nominations["Đắk Lắk"].pk
    }
    coordinator = set(
        access.nominations_visible_to(personas["coordinator"]).values_list("pk", flat=True)
    )
    assert coordinator == {nominations_2022["Bình Định"].pk} | {
        n.pk for n in year_2023_nominations.values()
    }
    assert not access.nominations_visible_to(personas["outsider"]).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not access.nominations_visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("coordinator", 404),  # 2022's nomination of another province, not a year Bình Định led
        ("reviewer", 200),
        ("observer", 200),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_nomination_page_by_role(client, personas, dak_lak, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("awards:nomination", args=[dak_lak.pk])).status_code == status
    document = dak_lak.documents.first()
    response = client.get(reverse("awards:document_download", args=[document.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]


def test_the_coordinator_reads_the_years_nominations_but_does_not_act(
    client, coordinator_binh_dinh, year_2023_nominations
):
    dak_lak = year_2023_nominations["Đắk Lắk"]
    client.force_login(coordinator_binh_dinh)
    html = client.get(reverse("awards:nomination", args=[dak_lak.pk])).content.decode()
    assert "Gửi hồ sơ" not in html and "Tải lên" not in html
    response = client.post(reverse("awards:move", args=[dak_lak.pk, S.SUBMITTED]), follow=True)
    assert "Chỉ cán bộ của tỉnh đề nghị được gửi hồ sơ này" in response.content.decode()
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.DRAFT


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 403),
        ("coordinator", 403),
        ("reviewer", 200),
        ("observer", 200),
        ("admin", 200),
        ("outsider", 403),
    ],
)
def test_queue_and_export_by_role(client, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("awards:queue")).status_code == status
    assert client.get(reverse("awards:queue_export")).status_code == status


def test_observers_read_the_queue_without_assigning(client, observer, dak_lak, board_reviewer):
    set_status(dak_lak, S.SUBMITTED)
    client.force_login(observer)
    html = client.get(reverse("awards:queue")).content.decode()
    assert "Tỉnh Đắk Lắk" in html and "Giao thẩm định" not in html
    response = client.post(
        reverse("awards:queue_assign"),
        {"nominations": [dak_lak.pk], "reviewer": board_reviewer.pk},
        follow=True,
    )
    assert "Chỉ chuyên viên Ban Thi đua" in response.content.decode()
    dak_lak.refresh_from_db()
    assert dak_lak.assigned_reviewer is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("coordinator", 200),
        ("reviewer", 302),
        ("observer", 302),
        ("admin", 302),
        ("outsider", 200),
    ],
)
def test_officer_list_by_role(client, personas, persona, status):
    client.force_login(personas[persona])
    response = client.get(reverse("awards:list"))
    assert response.status_code == status
    if status == 302:
        assert response.url == reverse("awards:queue")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("reviewer", 403), ("observer", 403), ("admin", 403), ("outsider", 404)],
)
def test_edit_page_by_role(client, personas, dak_lak, persona, status):
    client.force_login(personas[persona])
    assert client.get(reverse("awards:edit", args=[dak_lak.pk])).status_code == status


def test_a_reviewer_cannot_edit_submitted_content(client, board_reviewer, dak_lak):
    set_status(dak_lak, S.SUBMITTED)
    before = (dak_lak.achievements, dak_lak.position_or_unit)
    client.force_login(board_reviewer)
    response = client.post(
        reverse("awards:edit", args=[dak_lak.pk]),
        {"achievements": "Sửa bởi chuyên viên", "position_or_unit": "x"},
    )
    assert response.status_code == 403
    upload = client.post(
        reverse("awards:document_upload", args=[dak_lak.pk]),
        {"requirement_code": "other", "file": _pdf()},
        follow=True,
    )
    assert "Chuyên viên thẩm định không sửa nội dung hồ sơ do tỉnh gửi" in upload.content.decode()
    dak_lak.refresh_from_db()
    assert (dak_lak.achievements, dak_lak.position_or_unit) == before
    assert not dak_lak.documents.filter(requirement_code="other").exists()


def _pdf():
    from .helpers import pdf

    return pdf("them.pdf")


def test_the_officer_cannot_edit_once_sent(client, officer_dak_lak, dak_lak):
    set_status(dak_lak, S.SUBMITTED)
    client.force_login(officer_dak_lak)
    assert client.get(reverse("awards:edit", args=[dak_lak.pk])).status_code == 403
    response = client.post(
        reverse("awards:document_upload", args=[dak_lak.pk]),
        {"requirement_code": "other", "file": _pdf()},
        follow=True,
    )
    assert "chỉ sửa được khi đang chuẩn bị hoặc bị trả lại" in response.content.decode()


def test_another_provinces_officer_gets_nothing(client, outsider, dak_lak):
    client.force_login(outsider)
    for response in (
        client.post(reverse("awards:move", args=[dak_lak.pk, S.SUBMITTED])),
        client.post(
            reverse("awards:document_upload", args=[dak_lak.pk]), {"requirement_code": "other"}
        ),
        client.post(reverse("awards:note_add", args=[dak_lak.pk]), {"verdict": "comment"}),
    ):
        assert response.status_code == 404
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.DRAFT


@pytest.mark.parametrize("persona", ["officer", "reviewer", "observer", "admin", "outsider"])
def test_history_is_readable_by_every_portal_user(client, personas, persona):
    province = Province.objects.filter(name="Gia Lai").order_by("-valid_from").first()
    client.force_login(personas[persona])
    assert client.get(reverse("awards:province_history", args=[province.pk])).status_code == 200


def test_create_page_by_role(client, officer_dak_lak, board_reviewer):
    client.force_login(board_reviewer)
    assert client.get(reverse("awards:create")).status_code == 403
    client.force_login(officer_dak_lak)
    assert client.get(reverse("awards:create")).status_code == 200


def _awards_patterns():
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and getattr(pattern, "app_name", None) == "awards":
            for inner in pattern.url_patterns:
                assert isinstance(inner, URLPattern)
                yield inner


def _sample_url(pattern, nomination):
    kwargs = {}
    for name in pattern.pattern.converters:
        kwargs[name] = {"to_status": "submitted"}.get(name, nomination.pk)
    if "document_id" in kwargs or pattern.name == "document_download":
        document = nomination.documents.first()
        kwargs["document_id" if "document_id" in kwargs else "pk"] = document.pk
        if "document_id" in kwargs:
            kwargs["pk"] = nomination.pk
    return reverse(f"awards:{pattern.name}", kwargs=kwargs)


def test_every_awards_url_refuses_anonymous_visitors_and_outsiders(client, dak_lak, outsider):
    """Walks the resolver: no awards URL serves anything to the anonymous or to an outsider."""
    urls = [_sample_url(p, dak_lak) for p in _awards_patterns()]
    assert len(urls) >= 15
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    client.force_login(outsider)
    # Pages every officer has: their own list, the create form, provinces' history.
    own = {reverse("awards:list"), reverse("awards:create")}
    for url in urls:
        if url in own or "/history/" in url:
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (url, response.status_code)
    dak_lak.refresh_from_db()
    assert (
        dak_lak.status == S.DRAFT
        and not Nomination.objects.filter(province=outsider.province).exists()
    )


def test_manual_nominations_visible_to_their_province_only(
    seed_year_2022, officer_dak_lak, coordinator_binh_dinh
):
    nomination = manual(seed_year_2022, officer_dak_lak)
    assert access.nominations_visible_to(officer_dak_lak).filter(pk=nomination.pk).exists()
    assert (
        not access.nominations_visible_to(coordinator_binh_dinh).filter(pk=nomination.pk).exists()
    )
