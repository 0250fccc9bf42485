"""``manage.py load_reference_data``: a one-line summary per table, clean errors."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from provinces.models import Province

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("load_reference_data", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_one_line_per_table_and_nothing_changes_the_second_time():
    assert _run() == [
        "Tỉnh, thành phố: 87 dòng — thêm 87, cập nhật 0, giữ nguyên 0",
        "Quan hệ sắp xếp: 53 dòng — thêm 53, cập nhật 0, giữ nguyên 0",
        "Số liệu thống kê: 10 dòng — thêm 10, cập nhật 0, giữ nguyên 0",
    ]
    assert _run() == [
        "Tỉnh, thành phố: 87 dòng — thêm 0, cập nhật 0, giữ nguyên 87",
        "Quan hệ sắp xếp: 53 dòng — thêm 0, cập nhật 0, giữ nguyên 53",
        "Số liệu thống kê: 10 dòng — thêm 0, cập nhật 0, giữ nguyên 10",
    ]


def test_bad_data_raises_command_error_with_file_and_line(data_copy):
    path = data_copy / "provinces.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("67,Đắk Nông,province,", "67,Đắk Nông,tinh,"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"provinces\.csv, dòng \d+: loại đơn vị “tinh”"):
        call_command("load_reference_data", "--directory", str(data_copy), stdout=StringIO())
    assert not Province.objects.exists()


def test_bad_data_exits_with_code_1_and_no_traceback(data_copy, capsys):
    (data_copy / "lineage.csv").write_text("predecessor_code\n", encoding="utf-8")
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "load_reference_data", "--directory", str(data_copy)])
    with pytest.raises(SystemExit) as excinfo:
        utility.execute()
    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert "lineage.csv, dòng 1: thiếu cột" in err
    assert "Traceback" not in err
