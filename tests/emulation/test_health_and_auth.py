import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["state"] == "ok"
    assert body["broker"]["state"] in {"ok", "error"}
    assert body["status"] in {"ok", "degraded"}


def test_healthz_503_when_database_down(client, monkeypatch):
    from emulation import views

    monkeypatch.setattr(views, "_database_ok", lambda: (False, "error"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


def test_login_page_in_vietnamese(client):
    html = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'lang="vi"' in html


@pytest.mark.parametrize("username", ["canbo.daklak", "khong-ton-tai"])
def test_wrong_credentials_one_generic_message(client, seed_cluster, username):
    response = client.post(reverse("login"), {"username": username, "password": "sai-mat-khau"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html


def test_login_then_logout(client, seed_cluster):
    from conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "canbo.daklak", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_page(client, officer_dak_lak):
    client.force_login(officer_dak_lak)
    html = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in html


@pytest.mark.parametrize(
    "name", ["dashboard", "clusters:list", "provinces:list", "password_change"]
)
def test_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
