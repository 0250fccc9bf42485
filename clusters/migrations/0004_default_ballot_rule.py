"""The default ballot rule in force from 01/01/2018 (editable in admin; later rules get later dates).

Seats for a cluster of n members: max(1, floor(0.2 × n)) Government flags and
as many Prime Minister's certificates (the 20% ceiling of Decree 91/2017/NĐ-CP,
as applied by letter 5007/BNV-TĐKT); quorum two thirds of the members (stored
as 0.667, compared at the field's three decimals); a candidate passes with
more than half of the ballots cast. Neither threshold is published in law: the
cluster or year may override them (``ScoringSettings``).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

EFFECTIVE_FROM = dt.date(2018, 1, 1)
LEGAL_BASIS = (
    "Theo thực tiễn áp dụng Nghị định 91/2017/NĐ-CP và Công văn 5007/BNV-TĐKT: "
    "Cờ thi đua của Chính phủ, Bằng khen của Thủ tướng tối đa 20% số thành viên Cụm; "
    "có mặt từ hai phần ba; đạt trên 50% số phiếu bầu"
)


def create_default_rule(apps, schema_editor):
    BallotRule = apps.get_model("clusters", "BallotRule")
    BallotRule.objects.get_or_create(
        effective_from=EFFECTIVE_FROM,
        defaults={
            "legal_basis": LEGAL_BASIS,
            "flag_ratio": Decimal("0.2"),
            "flag_minimum": 1,
            "certificate_ratio": Decimal("0.2"),
            "certificate_minimum": 1,
            "quorum": Decimal("0.667"),
            "pass_ratio": Decimal("0.5"),
        },
    )


def remove_default_rule(apps, schema_editor):
    BallotRule = apps.get_model("clusters", "BallotRule")
    BallotRule.objects.filter(effective_from=EFFECTIVE_FROM, legal_basis=LEGAL_BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0003_reports"),
    ]

    operations = [
        migrations.RunPython(create_default_rule, remove_default_rule),
    ]
