"""The honours catalogue and its rule sets by period, as shipped (admins edit them later).

Periods follow the legal bases:

* 01/10/2017 – 31/12/2023: Luật Thi đua, khen thưởng 2003 (sửa đổi 2005, 2013) and
  Nghị định 91/2017/NĐ-CP (cluster years up to 2023);
* 01/01/2024 – 30/06/2025: Luật Thi đua, khen thưởng 06/2022/QH15 and
  Nghị định 98/2023/NĐ-CP;
* from 01/07/2025: Luật 06/2022/QH15 and Nghị định 152/2025/NĐ-CP.

A nomination is judged by the set in force on 31/12 of its cluster-year.
Quotas follow the observed practice (DOMAIN.md: Government-flag proposals at
most 20 % of the collectives leading clusters; 2 flags and 2 certificates for
a 10-member cluster); the 30-day deadline after the vote and the 20-day
review time are defaults of this portal, not published figures.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

LAW_2003 = "Luật Thi đua, khen thưởng năm 2003 (sửa đổi, bổ sung năm 2005, 2013)"
LAW_2022 = "Luật Thi đua, khen thưởng số 06/2022/QH15 (hiệu lực từ 01/01/2024)"
PERIODS = [
    (dt.date(2017, 10, 1), dt.date(2023, 12, 31), f"{LAW_2003}; Nghị định số 91/2017/NĐ-CP của Chính phủ"),
    (
        dt.date(2024, 1, 1),
        dt.date(2025, 6, 30),
        f"{LAW_2022}; Nghị định số 98/2023/NĐ-CP của Chính phủ (đến 30/06/2025)",
    ),
    (
        dt.date(2025, 7, 1),
        None,
        f"{LAW_2022}; Nghị định số 152/2025/NĐ-CP của Chính phủ (từ 01/07/2025)",
    ),
]

DEFAULT_DEADLINE_NOTE = (
    "Hạn nộp hồ sơ mặc định của Cổng: 30 ngày sau khi kết thúc bỏ phiếu bình xét; "
    "chỉnh theo văn bản hướng dẫn của Ban Thi đua - Khen thưởng Trung ương."
)


def _documents(minutes_title: str, minutes_note: str = ""):
    return [
        ("submission_letter", "Tờ trình đề nghị khen thưởng", "Cổng tạo dự thảo tờ trình của Cụm; tải lên bản đã ký để thay thế.", True, "submission_letter"),
        ("meeting_minutes", minutes_title, minutes_note, True, "ballot_minutes"),
        ("achievement_report", "Báo cáo thành tích", "Có xác nhận của cấp trình khen thưởng.", True, ""),
        ("prior_decisions", "Bản sao quyết định khen thưởng đã được tặng", "Nếu có.", False, ""),
    ]


HONOURS = [
    {
        "code": "GOVERNMENT_FLAG",
        "name": "Cờ thi đua của Chính phủ",
        "level": "state",
        "recipients": "collective",
        "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25 khoản 2",
        "position": 10,
        "rules": {
            "ballot_only": True,
            "max_state_honours_per_subject": 2,
            "deadline": ("days_after_ballot", 30),
            "documents": _documents(
                "Biên bản họp bình xét của Cụm",
                "Biên bản phải ghi rõ đơn vị dẫn đầu Cụm thi đua nào, kèm kết quả bỏ phiếu kín.",
            ),
            "quotas": [("collective", "cluster_vote", "ratio", Decimal("0.2"), 1, None, True)],
            "eligibility": [
                "Tập thể được Cụm thi đua bình xét, suy tôn là đơn vị dẫn đầu Cụm. Số lượng đề nghị không quá 20% số tập thể được bình xét dẫn đầu cụm, khối (Nghị định 91/2017/NĐ-CP; Công văn 5007/BNV-TĐKT năm 2023). Biên bản họp phải ghi rõ đơn vị dẫn đầu Cụm thi đua nào. "
                + DEFAULT_DEADLINE_NOTE,
                "Tập thể dẫn đầu Cụm thi đua do Hội đồng Thi đua - Khen thưởng Trung ương tổ chức (Luật Thi đua, khen thưởng 2022, Điều 25 khoản 2), được Cụm bình xét, suy tôn. Biên bản họp phải ghi rõ đơn vị dẫn đầu Cụm thi đua nào. "
                + DEFAULT_DEADLINE_NOTE,
                "Tập thể dẫn đầu Cụm thi đua do Hội đồng Thi đua - Khen thưởng Trung ương tổ chức (Luật Thi đua, khen thưởng 2022, Điều 25 khoản 2), được Cụm bình xét, suy tôn. Biên bản họp phải ghi rõ đơn vị dẫn đầu Cụm thi đua nào. "
                + DEFAULT_DEADLINE_NOTE,
            ],
        },
    },
    {
        "code": "PM_CERTIFICATE",
        "name": "Bằng khen của Thủ tướng Chính phủ",
        "level": "state",
        "recipients": "both",
        "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15 (Bằng khen của Thủ tướng Chính phủ)",
        "position": 20,
        "rules": {
            "ballot_only": False,
            "max_state_honours_per_subject": 2,
            "deadline": ("days_after_ballot", 30),
            "documents": _documents(
                "Biên bản họp bình xét (hoặc của Hội đồng Thi đua - Khen thưởng tỉnh)",
                "Với đề nghị của tỉnh: biên bản họp Hội đồng Thi đua - Khen thưởng tỉnh.",
            ),
            "quotas": [("collective", "cluster_vote", "ratio", Decimal("0.2"), 1, None, True)],
            "eligibility": [
                "Tập thể, cá nhân có thành tích xuất sắc, tiêu biểu trong phong trào thi đua. Không quá hai hình thức khen thưởng cấp Nhà nước cho một đối tượng trong năm (trừ khen thưởng đột xuất, theo niên hạn, quá trình cống hiến). "
                + DEFAULT_DEADLINE_NOTE,
            ]
            * 3,
        },
    },
    {
        "code": "PROVINCIAL_FLAG",
        "name": "Cờ thi đua cấp tỉnh",
        "level": "provincial",
        "recipients": "collective",
        "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15 (Cờ thi đua của bộ, ban, ngành, tỉnh)",
        "position": 30,
        "rules": {
            "ballot_only": False,
            "max_state_honours_per_subject": None,
            "deadline": ("none", None),
            "documents": _documents("Biên bản họp Hội đồng Thi đua - Khen thưởng tỉnh"),
            "quotas": [],
            "eligibility": ["Theo quy chế thi đua, khen thưởng của Ủy ban nhân dân tỉnh."] * 3,
        },
    },
    {
        "code": "PROVINCIAL_CERTIFICATE",
        "name": "Bằng khen của Chủ tịch UBND tỉnh",
        "level": "provincial",
        "recipients": "both",
        "legal_basis": "Luật Thi đua, khen thưởng số 06/2022/QH15 (Bằng khen của bộ, ban, ngành, tỉnh)",
        "position": 40,
        "rules": {
            "ballot_only": False,
            "max_state_honours_per_subject": None,
            "deadline": ("none", None),
            "documents": _documents("Biên bản họp Hội đồng Thi đua - Khen thưởng tỉnh"),
            "quotas": [],
            "eligibility": [
                "Theo quy chế thi đua, khen thưởng của Ủy ban nhân dân tỉnh; chú trọng người trực tiếp lao động, tập thể nhỏ."
            ]
            * 3,
        },
    },
]


def load(apps, schema_editor):
    Honour = apps.get_model("awards", "Honour")
    RuleSet = apps.get_model("awards", "HonourRuleSet")
    RequiredDocument = apps.get_model("awards", "RequiredDocument")
    QuotaRule = apps.get_model("awards", "QuotaRule")
    for spec in HONOURS:
        honour, _created = Honour.objects.get_or_create(
            code=spec["code"],
            defaults={
                key: spec[key] for key in ("name", "level", "recipients", "legal_basis", "position")
            },
        )
        rules = spec["rules"]
        deadline_kind, deadline_days = rules["deadline"]
        for (start, end, basis), eligibility in zip(PERIODS, rules["eligibility"], strict=True):
            rule_set, created = RuleSet.objects.get_or_create(
                honour=honour,
                effective_from=start,
                defaults={
                    "effective_until": end,
                    "legal_basis": basis,
                    "eligibility": eligibility,
                    "ballot_only": rules["ballot_only"],
                    "deadline_kind": deadline_kind,
                    "deadline_days": deadline_days,
                    "deadline_hard": False,
                    "review_days": 20,
                    "max_state_honours_per_subject": rules["max_state_honours_per_subject"],
                },
            )
            if not created:
                continue
            for position, (code, title, description, required, generated) in enumerate(
                rules["documents"]
            ):
                RequiredDocument.objects.create(
                    rule_set=rule_set,
                    code=code,
                    title=title,
                    description=description,
                    required=required,
                    generated=generated,
                    position=position,
                )
            for subject_kind, scope, kind, ratio, minimum, fixed, hard in rules["quotas"]:
                QuotaRule.objects.create(
                    rule_set=rule_set,
                    subject_kind=subject_kind,
                    scope=scope,
                    kind=kind,
                    ratio=ratio,
                    minimum=minimum,
                    fixed=fixed,
                    hard=hard,
                    note="Không quá 20% số tập thể được bình xét dẫn đầu cụm, khối; tối thiểu 1.",
                )


def unload(apps, schema_editor):
    Honour = apps.get_model("awards", "Honour")
    RuleSet = apps.get_model("awards", "HonourRuleSet")
    codes = [spec["code"] for spec in HONOURS]
    RuleSet.objects.filter(honour__code__in=codes).delete()
    Honour.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
