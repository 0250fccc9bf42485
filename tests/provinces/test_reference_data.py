"""The shipped reference data and its loader: counts, lineage, idempotency, bad files."""

import datetime as dt
import re
import unicodedata

import pytest

from provinces.models import Lineage, Province, ProvinceKind, ProvinceStatistic
from provinces.reference_data import ReferenceDataError, reference_data_read
from provinces.services import reference_data_load

pytestmark = pytest.mark.django_db

LAST_DAY_OF_63 = dt.date(2025, 6, 30)
FIRST_DAY_OF_34 = dt.date(2025, 7, 1)
SEED_MEMBERS = [
    "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Gia Lai", "Kon Tum",
    "Phú Yên", "Khánh Hòa", "Bình Định", "Quảng Nam", "Quảng Ngãi",
]  # fmt: skip


def _snapshot():
    """Every reference row with every field, to prove nothing changed."""
    return (
        list(Province.objects.order_by("pk").values()),
        list(Lineage.objects.order_by("pk").values()),
        list(ProvinceStatistic.objects.order_by("pk").values()),
    )


def _unit(name, day):
    return Province.objects.in_force_on(day).get(name=name)


# --- the shipped data ---------------------------------------------------------


def test_load_creates_every_row_then_a_second_load_changes_nothing():
    first = reference_data_load()
    assert first.provinces.created == Province.objects.count() == 87
    assert first.lineages.created == Lineage.objects.count() == 53
    assert first.statistics.created == ProvinceStatistic.objects.count() == 10
    before = _snapshot()

    second = reference_data_load()

    assert (second.provinces.created, second.provinces.updated) == (0, 0)
    assert (second.lineages.created, second.lineages.updated) == (0, 0)
    assert (second.statistics.created, second.statistics.updated) == (0, 0)
    assert second.provinces.unchanged == 87
    assert second.lineages.unchanged == 53
    assert second.statistics.unchanged == 10
    assert _snapshot() == before


def test_a_changed_row_is_updated_in_place(data_copy):
    reference_data_load()
    binh_dinh = _unit("Bình Định", LAST_DAY_OF_63)
    path = data_copy / "provinces.csv"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace(
            "52,Bình Định,province,30/06/1989,30/06/2025,",
            "52,Bình Định,province,30/06/1989,30/06/2025,Căn cứ đã sửa",
        )
        .replace('Căn cứ đã sửa"Nghị quyết', '"Căn cứ đã sửa Nghị quyết'),
        encoding="utf-8",
    )

    report = reference_data_load(directory=data_copy)

    assert (report.provinces.created, report.provinces.updated) == (0, 1)
    assert report.provinces.unchanged == 86
    binh_dinh.refresh_from_db()
    assert binh_dinh.legal_basis.startswith("Căn cứ đã sửa")
    assert Province.objects.filter(code="52").count() == 2


def test_63_units_before_and_34_after_the_2025_reorganisation():
    reference_data_load()
    assert Province.objects.in_force_on(LAST_DAY_OF_63).count() == 63
    assert Province.objects.before_reorganisation_2025().count() == 63
    assert Province.objects.in_force_on(FIRST_DAY_OF_34).count() == 34
    assert Province.objects.after_reorganisation_2025().count() == 34
    # Six centrally-run cities from 01/07/2025, five before (Huế became one on 01/01/2025).
    assert (
        Province.objects.after_reorganisation_2025().of_kind(ProvinceKind.MUNICIPALITY).count() == 6
    )
    assert Province.objects.in_force_on(dt.date(2024, 12, 31)).of_kind("municipality").count() == 5


def test_the_new_gia_lai_comes_from_gia_lai_and_binh_dinh():
    reference_data_load()
    new_gia_lai = _unit("Gia Lai", FIRST_DAY_OF_34)
    old_gia_lai = _unit("Gia Lai", LAST_DAY_OF_63)
    binh_dinh = _unit("Bình Định", LAST_DAY_OF_63)

    assert new_gia_lai != old_gia_lai
    # The new Gia Lai took Bình Định's code (Decision 19/2025/QĐ-TTg).
    assert (new_gia_lai.code, binh_dinh.code, old_gia_lai.code) == ("52", "52", "64")
    predecessors = {link.predecessor for link in new_gia_lai.predecessor_links.all()}
    assert predecessors == {old_gia_lai, binh_dinh}
    assert [link.successor for link in binh_dinh.successor_links.all()] == [new_gia_lai]


@pytest.mark.parametrize(
    ("successor", "predecessors"),
    [
        ("Đắk Lắk", {"Đắk Lắk", "Phú Yên"}),
        ("Lâm Đồng", {"Lâm Đồng", "Đắk Nông", "Bình Thuận"}),
        ("Quảng Ngãi", {"Quảng Ngãi", "Kon Tum"}),
        ("Khánh Hòa", {"Khánh Hòa", "Ninh Thuận"}),
        ("Đà Nẵng", {"Đà Nẵng", "Quảng Nam"}),
        ("Đồng Tháp", {"Đồng Tháp", "Tiền Giang"}),
    ],
)
def test_the_seed_clusters_2025_mergers(successor, predecessors):
    reference_data_load()
    unit = _unit(successor, FIRST_DAY_OF_34)
    assert unit.valid_from == FIRST_DAY_OF_34
    names = {link.predecessor.name for link in unit.predecessor_links.select_related("predecessor")}
    assert names == predecessors


def test_every_merged_unit_has_exactly_one_successor_and_unmerged_ones_continue():
    reference_data_load()
    ended = Province.objects.filter(valid_until=LAST_DAY_OF_63)
    assert ended.count() == 52
    for unit in ended.prefetch_related("successor_links"):
        assert len(unit.successor_links.all()) == 1, unit
    continuing = Province.objects.before_reorganisation_2025().after_reorganisation_2025()
    assert sorted(continuing.values_list("name", flat=True)) == sorted(
        [
            "Hà Nội",
            "Huế",
            "Lai Châu",
            "Điện Biên",
            "Sơn La",
            "Lạng Sơn",
            "Quảng Ninh",
            "Thanh Hóa",
            "Nghệ An",
            "Hà Tĩnh",
            "Cao Bằng",
        ]
    )
    assert not Lineage.objects.filter(predecessor__in=continuing).exists()


def test_thua_thien_hue_became_the_city_hue_on_1_january_2025():
    reference_data_load()
    province = _unit("Thừa Thiên Huế", dt.date(2024, 12, 31))
    city = _unit("Huế", dt.date(2025, 1, 1))
    assert (province.code, city.code) == ("46", "46")
    assert province.valid_until == dt.date(2024, 12, 31)
    assert city.kind == ProvinceKind.MUNICIPALITY
    link = Lineage.objects.get(predecessor=province)
    assert link.successor == city
    assert link.effective_date == dt.date(2025, 1, 1)
    assert "1314/NQ-UBTVQH15" in link.legal_basis


def test_seed_cluster_district_counts_for_2022_add_up_to_the_reported_122():
    reference_data_load()
    members = [_unit(name, dt.date(2022, 12, 31)) for name in SEED_MEMBERS]
    stats = ProvinceStatistic.objects.filter(province__in=members, year=2022)
    assert stats.count() == 10
    assert sum(s.district_units for s in stats) == 122
    assert all(s.source for s in stats)


def test_names_are_stored_in_nfc_with_official_spellings():
    reference_data_load()
    names = set(Province.objects.values_list("name", flat=True))
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert {"Đắk Lắk", "Khánh Hòa", "Thừa Thiên Huế", "Huế", "Hòa Bình"} <= names
    assert not any(name.startswith(("Tỉnh ", "Thành phố ")) for name in names)


# --- agreement with the vietnam-provinces package ------------------------------


def _plain(name: str) -> str:
    """Drop the unit prefix and the old/new tone-mark placement difference ("Hoà" / "Hòa")."""
    name = unicodedata.normalize("NFC", name)
    for prefix in ("Tỉnh ", "Thành phố "):
        name = name.removeprefix(prefix)
    old_style = "oà oá oả oã oạ uỳ uý uỷ uỹ uỵ".split()
    new_style = "òa óa ỏa õa ọa ùy úy ủy ũy ụy".split()
    for old, new in zip(old_style, new_style, strict=True):
        name = name.replace(old, new)
    return name


def test_the_34_units_match_the_vietnam_provinces_package():
    vietnam_provinces = pytest.importorskip("vietnam_provinces")
    reference_data_load()
    theirs = {f"{p.code.value:02d}": _plain(p.name) for p in vietnam_provinces.Province.iter_all()}
    ours = dict(Province.objects.after_reorganisation_2025().values_list("code", "name"))
    assert ours == theirs


def test_the_63_legacy_codes_match_the_vietnam_provinces_package():
    legacy = pytest.importorskip("vietnam_provinces.legacy")
    reference_data_load()
    theirs = {f"{p.code.value:02d}": _plain(p.name) for p in legacy.Province.iter_all()}
    ours = dict(Province.objects.before_reorganisation_2025().values_list("code", "name"))
    assert set(ours) == set(theirs)
    assert {code: _plain(name) for code, name in ours.items()} == theirs


def test_our_lineage_agrees_with_the_packages_old_to_new_mapping():
    conversion = pytest.importorskip("vietnam_provinces._province_conversion_2025")
    reference_data_load()
    links = Lineage.objects.filter(effective_date=FIRST_DAY_OF_34).select_related(
        "predecessor", "successor"
    )
    ours = {int(link.predecessor.code): int(link.successor.code) for link in links}
    # The 11 units that continued are those that are alone behind their new code.
    continued = {
        new for new, entry in conversion.NEW_TO_OLD.items() if len(entry.old_provinces) == 1
    }
    assert set(ours) == set(conversion.OLD_TO_NEW) - continued
    for old, new in ours.items():
        # Our one successor is among theirs (the package lists Tiền Giang → Tây Ninh
        # too, from a single ward row; Resolution 202/2025/QH15 merges it whole into
        # Đồng Tháp, see provinces/data/README.md).
        assert new in {ref.code for ref in conversion.OLD_TO_NEW[old].new_provinces}, old
        if len(conversion.OLD_TO_NEW[old].new_provinces) == 1:
            assert conversion.OLD_TO_NEW[old].new_provinces[0].code == new
    for new, entry in conversion.NEW_TO_OLD.items():
        if len(entry.old_provinces) > 1:
            ours_old = {old for old, succ in ours.items() if succ == new}
            assert ours_old <= {ref.code for ref in entry.old_provinces}, new


# --- bad files ------------------------------------------------------------------


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, startswith):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(startswith):
            return number
    raise AssertionError(startswith)


def _assert_rejected(directory, file, line, fragment):
    before = _snapshot()
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(directory=directory)
    message = str(excinfo.value)
    assert f"{file}, dòng {line}:" in message
    assert fragment in message
    assert _snapshot() == before
    return excinfo.value


@pytest.fixture
def loaded():
    """The shipped data already in the database, so a failed load could corrupt it."""
    reference_data_load()


def test_unknown_province_code_in_lineage_is_rejected(loaded, data_copy):
    path = data_copy / "lineage.csv"
    line = _line_of(path, "64,12/08/1991,52,")
    _replace(path, "64,12/08/1991,52,", "99,12/08/1991,52,")
    # A valid change elsewhere must not be written either.
    _replace(data_copy / "provinces.csv", "52,Bình Định,", "52,Bình Định (sửa),")
    _assert_rejected(data_copy, "lineage.csv", line, "“99”")
    assert Province.objects.filter(name="Bình Định").exists()


def test_overlapping_validity_periods_are_rejected(loaded, data_copy):
    path = data_copy / "provinces.csv"
    # The old Gia Lai ends on 30/06/2025; a new one from 01/06/2025 overlaps it.
    old_line = _line_of(path, "64,Gia Lai,")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("64,Gia Lai mới,province,01/06/2025,,Thử nghiệm\n")
    new_line = _line_of(path, "64,Gia Lai mới,")
    error = _assert_rejected(data_copy, "provinces.csv", new_line, "chồng lên")
    assert f"dòng {old_line}" in str(error)


def test_unknown_kind_is_rejected(loaded, data_copy):
    path = data_copy / "provinces.csv"
    line = _line_of(path, "67,Đắk Nông,")
    _replace(path, "67,Đắk Nông,province,", "67,Đắk Nông,city,")
    _assert_rejected(data_copy, "provinces.csv", line, "“city”")


def test_bad_date_is_rejected(loaded, data_copy):
    path = data_copy / "provinces.csv"
    line = _line_of(path, "62,Kon Tum,")
    _replace(
        path,
        "62,Kon Tum,province,12/08/1991,30/06/2025",
        "62,Kon Tum,province,12/08/1991,31/06/2025",
    )
    _assert_rejected(data_copy, "provinces.csv", line, "31/06/2025")


def test_end_before_start_is_rejected(data_copy):
    path = data_copy / "provinces.csv"
    line = _line_of(path, "62,Kon Tum,")
    _replace(
        path,
        "62,Kon Tum,province,12/08/1991,30/06/2025",
        "62,Kon Tum,province,12/08/1991,01/01/1990",
    )
    _assert_rejected(data_copy, "provinces.csv", line, "trước ngày có hiệu lực")


def test_duplicate_rows_are_rejected(data_copy):
    path = data_copy / "statistics.csv"
    first_row = path.read_text(encoding="utf-8").splitlines()[1]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(first_row + "\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    _assert_rejected(data_copy, "statistics.csv", line, "trùng với dòng 2")


def test_non_numeric_figures_are_rejected(data_copy):
    path = data_copy / "statistics.csv"
    with path.open("a", encoding="utf-8") as handle:
        # Vietnamese-style decimals and words are not numbers in these files.
        handle.write('66,01/01/2004,2023,"13.030,5",,15,,Nguồn thử\n')
        handle.write('66,01/01/2004,2021,,"khoảng 1,9 triệu",,,Nguồn thử\n')
    lines = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_read(directory=data_copy)
    message = str(excinfo.value)
    assert f"statistics.csv, dòng {lines - 1}:" in message
    assert f"statistics.csv, dòng {lines}:" in message
    assert "area_km2" in message and "population" in message


def test_a_statistic_outside_the_units_lifetime_is_rejected(data_copy):
    path = data_copy / "statistics.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("52,30/06/1989,2026,,,,,Nguồn thử\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    _assert_rejected(data_copy, "statistics.csv", line, "2026")


def test_a_missing_file_or_column_is_reported(data_copy):
    (data_copy / "statistics.csv").unlink()
    _replace(data_copy / "lineage.csv", ",whole\n", ",toan_bo\n")
    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_read(directory=data_copy)
    message = str(excinfo.value)
    assert "statistics.csv: không tìm thấy tệp" in message
    assert re.search(r"lineage\.csv, dòng 1: thiếu cột whole", message)
