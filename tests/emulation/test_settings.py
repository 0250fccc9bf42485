"""Settings are read from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "k" * 20 + "9f8e7d6c5b4a3928172635445362718293a0b1c2d3e4f"


def _run(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    base.pop("REDIS_URL", None)
    base["DJANGO_SETTINGS_MODULE"] = "emulation.settings"
    base.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SHOW = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL.split(':')[0], "
    "settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.DEBUG)"
)


def test_embedded_default_needs_no_environment():
    result = _run(SHOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem",
        "vi",
        "Asia/Ho_Chi_Minh",
        "True",
    ]


def test_database_and_redis_urls_switch_to_services():
    result = _run(
        SHOW,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/emulation",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "redis"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV='staging' không hợp lệ"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' không hợp lệ"),
        ({"REDIS_URL": "http://127.0.0.1"}, "REDIS_URL không hợp lệ"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL không hợp lệ"),
        ({"SESSION_COOKIE_AGE": "abc"}, "SESSION_COOKIE_AGE='abc' không phải là số nguyên"),
        ({"DJANGO_ENV": "production"}, "DJANGO_SECRET_KEY phải được đặt"),
        (
            {"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": GOOD_SECRET},
            "DJANGO_ALLOWED_HOSTS phải liệt kê",
        ),
    ],
)
def test_bad_values_fail_with_a_clear_message(env, message):
    result = _run(SHOW, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": GOOD_SECRET,
            "DJANGO_ALLOWED_HOSTS": "thiduacum.example.vn",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_vietnamese_formats(settings):
    import datetime as dt
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(dt.date(2023, 3, 30), "SHORT_DATE_FORMAT") == "30/03/2023"
        assert (
            formats.number_format(Decimal("87183.5"), decimal_pos=1, force_grouping=True)
            == "87.183,5"
        )
        # What a person types: "10,5" is 10.5.
        assert formats.sanitize_separators("10,5") == "10.5"
