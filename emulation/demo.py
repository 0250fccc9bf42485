"""Demo data: the seed cluster replayed through the real services.

The seed is the news report of the Central Highlands and Central Coast
cluster's 2022 review (held 30/03/2023 in Buôn Ma Thuột). Every row here is
written by the same services the pages use, and loading twice changes nothing.
Later features extend this module until the 2022 year replays the seed's
outcome; the 2023 year stays open for people to try.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from clusters.models import Cluster, ClusterYear, Leadership
from clusters.models.cluster import LeadershipRole
from clusters.services.cluster import (
    cluster_create,
    cluster_year_create,
    leadership_set,
    membership_add,
)
from provinces.models import Province

SEED_CLUSTER_CODE = "tay-nguyen-duyen-hai-mien-trung"
SEED_CLUSTER_NAME = "Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung"
SEED_SOURCE = (
    "Tin tổng kết giao ước thi đua năm 2022 của Cụm "
    "(Hội nghị ngày 30/03/2023 tại TP. Buôn Ma Thuột, tỉnh Đắk Lắk)"
)
# Member provinces as the seed names them, with the slug used for demo logins.
SEED_MEMBERS = [
    ("Đắk Lắk", "daklak"),
    ("Đắk Nông", "daknong"),
    ("Lâm Đồng", "lamdong"),
    ("Gia Lai", "gialai"),
    ("Kon Tum", "kontum"),
    ("Phú Yên", "phuyen"),
    ("Khánh Hòa", "khanhhoa"),
    ("Bình Định", "binhdinh"),
    ("Quảng Nam", "quangnam"),
    ("Quảng Ngãi", "quangngai"),
]
SEED_YEARS = (2022, 2023)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    province_name: str = ""
    full_name: str = ""


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount("admin", Role.ADMIN, full_name="Quản trị hệ thống"),
        DemoAccount("bantdkt", Role.REVIEWER, full_name="Chuyên viên Ban TĐKT Trung ương"),
        DemoAccount("quansat", Role.OBSERVER, full_name="Quan sát viên Hội đồng TĐKT"),
    ]
    accounts += [
        DemoAccount(
            f"canbo.{slug}", Role.OFFICER, name, f"Cán bộ Ban Thi đua - Khen thưởng tỉnh {name}"
        )
        for name, slug in SEED_MEMBERS
    ]
    return accounts


def _province_in(name: str, year: int) -> Province:
    day = dt.date(year, 1, 1)
    return Province.objects.in_force_on(day).get(name=name)


def _ensure_accounts(password: str) -> int:
    created = 0
    existing = set(User.objects.values_list("username", flat=True))
    for account in demo_accounts():
        if account.username in existing:
            continue
        province = _province_in(account.province_name, 2023) if account.province_name else None
        user_create(
            username=account.username,
            password=password,
            role=account.role,
            province=province,
            full_name=account.full_name,
            email=f"{account.username}@thidua.example.vn",
            position="Chuyên viên Ban Thi đua - Khen thưởng tỉnh" if province else "",
            is_superuser=account.role == Role.ADMIN,
        )
        created += 1
    return created


def _ensure_cluster() -> Cluster:
    cluster = Cluster.objects.filter(code=SEED_CLUSTER_CODE).first()
    if cluster is None:
        cluster = cluster_create(
            code=SEED_CLUSTER_CODE,
            name=SEED_CLUSTER_NAME,
            short_name="Tây Nguyên và Duyên hải miền Trung",
            description=(
                "Cụm thi đua do Hội đồng Thi đua - Khen thưởng Trung ương tổ chức, gồm 10 tỉnh "
                "Tây Nguyên và Duyên hải miền Trung (trước khi sắp xếp đơn vị hành chính năm 2025)."
            ),
        )
    return cluster


def _ensure_year(cluster: Cluster, year: int, **overview) -> ClusterYear:
    cluster_year = ClusterYear.objects.filter(cluster=cluster, year=year).first()
    if cluster_year is None:
        cluster_year = cluster_year_create(cluster=cluster, year=year, **overview)
    for name, _slug in SEED_MEMBERS:
        membership_add(cluster_year=cluster_year, province=_province_in(name, year))
    return cluster_year


def _ensure_leadership(cluster_year: ClusterYear, name: str, role: str, basis: str) -> None:
    province = _province_in(name, cluster_year.year)
    if not Leadership.objects.filter(
        cluster_year=cluster_year, province=province, role=role
    ).exists():
        leadership_set(cluster_year=cluster_year, province=province, role=role, decided_by=basis)


@transaction.atomic
def demo_data_load(*, replay: bool = True) -> dict[str, int]:
    """Loads the seed cluster, its 2022 and 2023 years and the demo accounts; idempotent.

    With ``replay`` the years are then played through the services (see
    ``emulation.demo_replay``); without it only the cluster, members,
    leadership and accounts are loaded (the tests' light fixture).
    """
    if not settings.DEMO_PASSWORD:
        raise RuntimeError("DEMO_PASSWORD chưa được đặt: không nạp dữ liệu mẫu.")
    users_before = User.objects.count()
    cluster = _ensure_cluster()
    year_2022 = _ensure_year(
        cluster,
        2022,
        reported_area_km2=Decimal("87183.5"),
        reported_population=12_000_000,
        reported_population_is_minimum=True,
        reported_district_units=122,
        reported_commune_units=1544,
        overview_source=SEED_SOURCE,
    )
    year_2023 = _ensure_year(cluster, 2023)
    # The year's leader hosts its review conference: the 2022 review was held in
    # Buôn Ma Thuột, so Đắk Lắk led the cluster in 2022.
    _ensure_leadership(
        year_2022,
        "Đắk Lắk",
        LeadershipRole.LEADER,
        "Tỉnh đăng cai Hội nghị tổng kết năm 2022 (Cụm trưởng năm 2022)",
    )
    basis_2023 = (
        "Hội nghị tổng kết ngày 30/03/2023 thống nhất giới thiệu, "
        "đề nghị Hội đồng TĐKT Trung ương quyết định"
    )
    _ensure_leadership(year_2023, "Bình Định", LeadershipRole.LEADER, basis_2023)
    _ensure_leadership(year_2023, "Lâm Đồng", LeadershipRole.DEPUTY, basis_2023)
    created_users = _ensure_accounts(settings.DEMO_PASSWORD)
    if replay:
        from awards.demo import demo_awards_load

        from .demo_replay import replay_2022, replay_2023

        slugs = [slug for _name, slug in SEED_MEMBERS]
        replay_2022(year_2022, slugs)
        replay_2023(year_2023, year_2022, slugs)
        demo_awards_load()
    return {
        "cluster_years": ClusterYear.objects.filter(cluster=cluster).count(),
        "users_created": created_users,
        "users_total": users_before + created_users,
    }
