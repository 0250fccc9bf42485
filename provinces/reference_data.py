"""Reading and checking the reference-data CSV files under ``provinces/data/``.

Nothing here touches the database: :func:`reference_data_read` parses the three
files, checks every row and every rule that spans rows, and either returns the
whole data set or raises one :class:`ReferenceDataError` listing each problem
with its file and line. The loader (``services.reference_data_load``) writes only
what this module has accepted, so a bad file never leaves half a load behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Lineage, Province, ProvinceKind, ProvinceStatistic

DATA_DIR = Path(__file__).resolve().parent / "data"

PROVINCES_FILE = "provinces.csv"
LINEAGE_FILE = "lineage.csv"
STATISTICS_FILE = "statistics.csv"

PROVINCE_COLUMNS = ("code", "name", "kind", "valid_from", "valid_until", "legal_basis")
LINEAGE_COLUMNS = (
    "predecessor_code",
    "predecessor_valid_from",
    "successor_code",
    "successor_valid_from",
    "effective_date",
    "legal_basis",
    "whole",
)
STATISTIC_COLUMNS = (
    "province_code",
    "province_valid_from",
    "year",
    "area_km2",
    "population",
    "district_units",
    "commune_units",
    "source",
)

# Codes of the national list of administrative units are two digits for provinces
# (Decision 124/2004/QĐ-TTg, and Decision 19/2025/QĐ-TTg from 01/07/2025).
CODE_PATTERN = re.compile(r"^\d{2}$")
DATE_FORMAT = "%d/%m/%Y"
TRUE_VALUES = {"true", "1", "có", "co", "yes"}
FALSE_VALUES = {"false", "0", "không", "khong", "no"}
# Yearly figures older than this belong to no unit the portal knows.
FIRST_STATISTIC_YEAR = 1945
# Report at most this many problems; the first ones are enough to fix a file.
MAX_REPORTED_ERRORS = 20

ProvinceKey = tuple[str, dt.date]


class ReferenceDataError(ValueError):
    """The reference data files are not valid; ``errors`` lists each problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        shown = self.errors[:MAX_REPORTED_ERRORS]
        lines = [_("Dữ liệu tham chiếu không hợp lệ:")] + [f"- {error}" for error in shown]
        if len(self.errors) > len(shown):
            lines.append(_("… và %(n)d lỗi khác.") % {"n": len(self.errors) - len(shown)})
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None
    legal_basis: str

    @property
    def key(self) -> ProvinceKey:
        return (self.code, self.valid_from)

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class LineageRow:
    predecessor: ProvinceKey
    successor: ProvinceKey
    effective_date: dt.date
    legal_basis: str
    whole: bool


@dataclass(frozen=True)
class StatisticRow:
    province: ProvinceKey
    year: int
    area_km2: Decimal | None
    population: int | None
    district_units: int | None
    commune_units: int | None
    source: str


@dataclass(frozen=True)
class ReferenceData:
    provinces: list[ProvinceRow]
    lineages: list[LineageRow]
    statistics: list[StatisticRow]


class _Collector:
    """Gathers problems as "file, line N: message" so one run reports them all."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, filename: str, line: int | None, message: str) -> None:
        if line is None:
            self.errors.append(f"{filename}: {message}")
        else:
            where = _("%(file)s, dòng %(line)d") % {"file": filename, "line": line}
            self.errors.append(f"{where}: {message}")


def _clean(value: str | None) -> str:
    # Some editors save Vietnamese in decomposed form (NFD); compare and store NFC.
    return unicodedata.normalize("NFC", (value or "").strip())


def _read_rows(
    directory: Path, filename: str, columns: tuple[str, ...], errors: _Collector
) -> list[tuple[int, dict[str, str]]]:
    """Rows of one CSV file with their line numbers (the header is line 1)."""
    path = directory / filename
    if not path.is_file():
        errors.add(
            filename, None, _("không tìm thấy tệp trong thư mục %(dir)s.") % {"dir": directory}
        )
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = tuple(_clean(name) for name in (reader.fieldnames or ()))
            missing = [name for name in columns if name not in header]
            if missing:
                errors.add(
                    filename,
                    1,
                    _("thiếu cột %(cols)s (cần đủ các cột: %(all)s).")
                    % {"cols": ", ".join(missing), "all": ", ".join(columns)},
                )
                return []
            rows = []
            for record in reader:
                # DictReader puts surplus cells under the key None.
                if record.get(None):
                    errors.add(filename, reader.line_num, _("dòng có nhiều ô hơn tiêu đề."))
                    continue
                values = {
                    _clean(key): _clean(value) for key, value in record.items() if key is not None
                }
                if not any(values.values()):
                    continue  # blank line
                rows.append((reader.line_num, values))
            return rows
    except UnicodeDecodeError:
        errors.add(filename, None, _("tệp không được mã hóa UTF-8."))
    except csv.Error as exc:
        errors.add(filename, None, _("tệp CSV hỏng: %(error)s") % {"error": exc})
    return []


def _date(value: str, *, field: str, required: bool = True) -> dt.date | None:
    if not value:
        if required:
            raise ValueError(_("thiếu %(field)s.") % {"field": field})
        return None
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).date()  # noqa: DTZ007 (a calendar date)
    except ValueError:
        raise ValueError(
            _("%(field)s “%(value)s” không phải ngày hợp lệ (dạng dd/mm/yyyy).")
            % {"field": field, "value": value}
        ) from None


def _integer(value: str, *, field: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(
            _("%(field)s “%(value)s” không phải số nguyên không âm.")
            % {"field": field, "value": value}
        )
    return int(value)


def _decimal(value: str, *, field: str) -> Decimal | None:
    if not value:
        return None
    # Files use a decimal point and no grouping: 87183.5, never 87.183,5.
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or "," in value:
        raise ValueError(
            _(
                "%(field)s “%(value)s” không phải số hợp lệ "
                "(dùng dấu chấm thập phân, ví dụ 87183.5)."
            )
            % {"field": field, "value": value}
        )
    return number


def _model_errors(instance, exclude: list[str]) -> list[str]:
    """Field-level checks of the model (lengths, choices) without touching the database."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            f"{instance._meta.get_field(field).verbose_name}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        ]
    return []


def _parse_provinces(directory: Path, errors: _Collector) -> dict[ProvinceKey, ProvinceRow]:
    kinds = {choice.value for choice in ProvinceKind}
    accepted: dict[ProvinceKey, ProvinceRow] = {}
    lines: dict[ProvinceKey, int] = {}
    for line, raw in _read_rows(directory, PROVINCES_FILE, PROVINCE_COLUMNS, errors):
        try:
            code = raw["code"]
            if not CODE_PATTERN.match(code):
                raise ValueError(
                    _("mã “%(code)s” phải gồm đúng 2 chữ số (ví dụ 01).") % {"code": code}
                )
            if raw["kind"] not in kinds:
                raise ValueError(
                    _("loại đơn vị “%(kind)s” không hợp lệ (chỉ nhận: %(kinds)s).")
                    % {"kind": raw["kind"], "kinds": ", ".join(sorted(kinds))}
                )
            row = ProvinceRow(
                code=code,
                name=raw["name"],
                kind=raw["kind"],
                valid_from=_date(raw["valid_from"], field="valid_from"),
                valid_until=_date(raw["valid_until"], field="valid_until", required=False),
                legal_basis=raw["legal_basis"],
            )
            if not row.name:
                raise ValueError(_("thiếu tên đơn vị."))
            if row.valid_until is not None and row.valid_until < row.valid_from:
                raise ValueError(
                    _("ngày hết hiệu lực %(end)s trước ngày có hiệu lực %(start)s.")
                    % {"end": raw["valid_until"], "start": raw["valid_from"]}
                )
        except ValueError as exc:
            errors.add(PROVINCES_FILE, line, str(exc))
            continue
        problems = _model_errors(
            Province(
                code=row.code,
                name=row.name,
                kind=row.kind,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                legal_basis=row.legal_basis,
            ),
            exclude=[],
        )
        for problem in problems:
            errors.add(PROVINCES_FILE, line, problem)
        if problems:
            continue
        if row.key in accepted:
            errors.add(
                PROVINCES_FILE,
                line,
                _("trùng với dòng %(other)d (cùng mã %(code)s và ngày có hiệu lực %(start)s).")
                % {"other": lines[row.key], "code": row.code, "start": raw["valid_from"]},
            )
            continue
        accepted[row.key] = row
        lines[row.key] = line

    # Two units may share a code only one after the other (the 2025 Gia Lai took
    # code 52 the day after Bình Định ended), never at the same time.
    by_code: dict[str, list[ProvinceRow]] = defaultdict(list)
    for row in accepted.values():
        by_code[row.code].append(row)
    for code, rows in by_code.items():
        rows.sort(key=lambda r: r.valid_from)
        for earlier, later in pairwise(rows):
            if earlier.valid_until is None or earlier.valid_until >= later.valid_from:
                errors.add(
                    PROVINCES_FILE,
                    lines[later.key],
                    _(
                        "thời gian hiệu lực của mã %(code)s chồng lên dòng %(other)d "
                        "(đơn vị %(name)s còn hiệu lực vào ngày %(start)s)."
                    )
                    % {
                        "code": code,
                        "other": lines[earlier.key],
                        "name": earlier.name,
                        "start": later.valid_from.strftime(DATE_FORMAT),
                    },
                )
    return accepted


def _province_key(
    raw: dict[str, str], prefix: str, provinces: dict[ProvinceKey, ProvinceRow]
) -> ProvinceKey:
    code = raw[f"{prefix}_code"]
    start = _date(raw[f"{prefix}_valid_from"], field=f"{prefix}_valid_from")
    key = (code, start)
    if key not in provinces:
        if any(known_code == code for known_code, _start in provinces):
            raise ValueError(
                _("không có đơn vị mã %(code)s có hiệu lực từ %(start)s trong %(file)s.")
                % {"code": code, "start": raw[f"{prefix}_valid_from"], "file": PROVINCES_FILE}
            )
        raise ValueError(
            _("mã tỉnh “%(code)s” không có trong %(file)s.")
            % {"code": code, "file": PROVINCES_FILE}
        )
    return key


def _parse_lineages(
    directory: Path, provinces: dict[ProvinceKey, ProvinceRow], errors: _Collector
) -> list[LineageRow]:
    accepted: list[LineageRow] = []
    seen: dict[tuple[ProvinceKey, ProvinceKey], int] = {}
    for line, raw in _read_rows(directory, LINEAGE_FILE, LINEAGE_COLUMNS, errors):
        try:
            predecessor = _province_key(raw, "predecessor", provinces)
            successor = _province_key(raw, "successor", provinces)
            effective = _date(raw["effective_date"], field="effective_date")
            whole_text = raw["whole"].lower()
            if whole_text not in TRUE_VALUES | FALSE_VALUES:
                raise ValueError(
                    _("cột whole “%(value)s” phải là true hoặc false.") % {"value": raw["whole"]}
                )
            if predecessor == successor:
                raise ValueError(_("đơn vị không thể là tiền thân của chính nó."))
            if not raw["legal_basis"]:
                raise ValueError(_("thiếu căn cứ pháp lý."))
            before, after = provinces[predecessor], provinces[successor]
            # The successor exists from the effective date and the predecessor before it.
            if not (before.valid_from < effective and after.in_force_on(effective)):
                raise ValueError(
                    _(
                        "ngày có hiệu lực %(day)s không khớp thời gian hiệu lực của "
                        "%(before)s và %(after)s."
                    )
                    % {"day": raw["effective_date"], "before": before.name, "after": after.name}
                )
        except ValueError as exc:
            errors.add(LINEAGE_FILE, line, str(exc))
            continue
        row = LineageRow(
            predecessor=predecessor,
            successor=successor,
            effective_date=effective,
            legal_basis=raw["legal_basis"],
            whole=whole_text in TRUE_VALUES,
        )
        problems = _model_errors(
            Lineage(
                effective_date=row.effective_date, legal_basis=row.legal_basis, whole=row.whole
            ),
            exclude=["predecessor", "successor"],
        )
        for problem in problems:
            errors.add(LINEAGE_FILE, line, problem)
        if problems:
            continue
        pair = (predecessor, successor)
        if pair in seen:
            errors.add(
                LINEAGE_FILE,
                line,
                _("trùng với dòng %(other)d (cùng đơn vị trước và sau sắp xếp).")
                % {"other": seen[pair]},
            )
            continue
        seen[pair] = line
        accepted.append(row)
    return accepted


def _parse_statistics(
    directory: Path, provinces: dict[ProvinceKey, ProvinceRow], errors: _Collector
) -> list[StatisticRow]:
    accepted: list[StatisticRow] = []
    seen: dict[tuple[ProvinceKey, int], int] = {}
    for line, raw in _read_rows(directory, STATISTICS_FILE, STATISTIC_COLUMNS, errors):
        try:
            province = _province_key(raw, "province", provinces)
            year = _integer(raw["year"], field="year")
            if year is None:
                raise ValueError(_("thiếu năm."))
            unit = provinces[province]
            first, last = unit.valid_from.year, (unit.valid_until or dt.date.max).year
            if year < FIRST_STATISTIC_YEAR or not first <= year <= last:
                raise ValueError(
                    _("năm %(year)d nằm ngoài thời gian hiệu lực của %(name)s.")
                    % {"year": year, "name": unit.name}
                )
            row = StatisticRow(
                province=province,
                year=year,
                area_km2=_decimal(raw["area_km2"], field="area_km2"),
                population=_integer(raw["population"], field="population"),
                district_units=_integer(raw["district_units"], field="district_units"),
                commune_units=_integer(raw["commune_units"], field="commune_units"),
                source=raw["source"],
            )
            if not row.source:
                raise ValueError(_("thiếu nguồn số liệu: chỉ nhận số liệu đã công bố, có nguồn."))
        except ValueError as exc:
            errors.add(STATISTICS_FILE, line, str(exc))
            continue
        problems = _model_errors(
            ProvinceStatistic(
                year=row.year,
                area_km2=row.area_km2,
                population=row.population,
                district_units=row.district_units,
                commune_units=row.commune_units,
                source=row.source,
            ),
            exclude=["province"],
        )
        for problem in problems:
            errors.add(STATISTICS_FILE, line, problem)
        if problems:
            continue
        key = (province, year)
        if key in seen:
            errors.add(
                STATISTICS_FILE,
                line,
                _("trùng với dòng %(other)d (cùng đơn vị và năm %(year)d).")
                % {"other": seen[key], "year": year},
            )
            continue
        seen[key] = line
        accepted.append(row)
    return accepted


def reference_data_read(*, directory: Path | None = None) -> ReferenceData:
    """Parse and check the three files; raise ``ReferenceDataError`` listing every problem."""
    directory = Path(directory) if directory is not None else DATA_DIR
    errors = _Collector()
    provinces = _parse_provinces(directory, errors)
    lineages = _parse_lineages(directory, provinces, errors)
    statistics = _parse_statistics(directory, provinces, errors)
    if errors.errors:
        raise ReferenceDataError(errors.errors)
    return ReferenceData(
        provinces=list(provinces.values()), lineages=lineages, statistics=statistics
    )
