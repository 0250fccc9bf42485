"""Personal API tokens: created on the profile page (shown once, stored hashed), revoked there."""

import hashlib

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import token_create, token_revoke

pytestmark = pytest.mark.django_db
PROVINCES = "/api/v1/provinces/"


def test_token_is_stored_hashed_and_authenticates(api, officer_dak_lak):
    token, plaintext = token_create(user=officer_dak_lak, name="Báo cáo tự động")
    assert token.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in {token.key_hash, token.prefix} and plaintext.startswith(token.prefix)
    assert len(token.prefix) == 8
    api.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
    assert api.get(PROVINCES).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_wrong_and_missing_tokens_are_401(api, officer_dak_lak, board_reviewer):
    token, plaintext = token_create(user=officer_dak_lak, name="cũ")
    token_revoke(token=token, actor=officer_dak_lak)
    for header in (f"Token {plaintext}", f"Token {plaintext}x", "Token", "Token a b"):
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get(PROVINCES)
        assert response.status_code == 401, header
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"
    api.credentials()
    assert api.get(PROVINCES).status_code == 401


def test_only_the_owner_revokes(officer_dak_lak, board_reviewer):
    token, _plaintext = token_create(user=officer_dak_lak, name="của Đắk Lắk")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_revoke(token=token, actor=board_reviewer)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_page_creates_shows_once_and_revokes(client, officer_dak_lak, outsider):
    client.force_login(officer_dak_lak)
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    assert "Hồ sơ và khóa API" in page.content.decode()
    created = client.post(reverse("profile"), {"name": "Kết nối phần mềm tỉnh"})
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=officer_dak_lak)
    plaintext = created.context["created_plaintext"]
    assert plaintext in created.content.decode()
    assert token.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    # Shown once: the list afterwards has only the prefix.
    assert plaintext not in client.get(reverse("profile")).content.decode()
    # Somebody else's token cannot be revoked (404), one's own can.
    client.force_login(outsider)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    client.force_login(officer_dak_lak)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_profile_page_refuses_a_blank_name_and_anonymous(client, officer_dak_lak):
    assert client.get(reverse("profile")).status_code == 302
    client.force_login(officer_dak_lak)
    response = client.post(reverse("profile"), {"name": "  "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_session_auth_works_for_the_browser(client, officer_dak_lak):
    client.force_login(officer_dak_lak)
    assert client.get(PROVINCES).status_code == 200


def test_throttled_per_token(settings, api, officer_dak_lak):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "2/hour"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        _t, first = token_create(user=officer_dak_lak, name="một")
        _t, second = token_create(user=officer_dak_lak, name="hai")
        api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
        assert [api.get(PROVINCES).status_code for _ in range(3)] == [200, 200, 429]
        assert api.get(PROVINCES).json()["error"]["code"] == "throttled"
        api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
        assert api.get(PROVINCES).status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
