"""Writes to the provinces reference data.

The reference data (units, the 2025 lineage, published statistics) ships as CSV
files in ``provinces/data/`` and is loaded by :func:`reference_data_load`, which
``manage.py load_reference_data`` and ``make setup`` call.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Lineage, Province, ProvinceStatistic
from .reference_data import ReferenceDataError, reference_data_read

__all__ = ["LoadReport", "ReferenceDataError", "TableCounts", "reference_data_load"]


@dataclass(frozen=True)
class TableCounts:
    """What one load did to one table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class LoadReport:
    provinces: TableCounts
    lineages: TableCounts
    statistics: TableCounts


class _Counter:
    def __init__(self) -> None:
        self.created = self.updated = self.unchanged = 0

    def result(self) -> TableCounts:
        return TableCounts(self.created, self.updated, self.unchanged)


def _upsert(model, existing, lookup: dict, values: dict, counter: _Counter):
    """Create the row, or save only the fields that differ, or leave it alone."""
    if existing is None:
        counter.created += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, values[name])
        existing.save(update_fields=changed)
        counter.updated += 1
    else:
        counter.unchanged += 1
    return existing


def reference_data_load(*, directory: Path | None = None) -> LoadReport:
    """Load provinces, lineage and statistics from the CSV files, idempotently.

    Every file is parsed and checked first (``ReferenceDataError`` names the file
    and line of each problem) and nothing is written unless all of it is valid.
    Rows are matched on their natural keys (code + valid_from; predecessor +
    successor; province + year); a row that matches and agrees is left untouched,
    one that differs is updated field by field. Rows present in the database but
    absent from the files are kept: users, clusters and awards may point at them.
    """
    data = reference_data_read(directory=directory)

    with transaction.atomic():
        province_counter = _Counter()
        existing_provinces = {(p.code, p.valid_from): p for p in Province.objects.all()}
        saved: dict[tuple, Province] = {}
        for row in data.provinces:
            saved[row.key] = _upsert(
                Province,
                existing_provinces.get(row.key),
                {"code": row.code, "valid_from": row.valid_from},
                {
                    "name": row.name,
                    "kind": row.kind,
                    "valid_until": row.valid_until,
                    "legal_basis": row.legal_basis,
                },
                province_counter,
            )

        lineage_counter = _Counter()
        existing_lineages = {
            (link.predecessor_id, link.successor_id): link for link in Lineage.objects.all()
        }
        for row in data.lineages:
            predecessor, successor = saved[row.predecessor], saved[row.successor]
            _upsert(
                Lineage,
                existing_lineages.get((predecessor.pk, successor.pk)),
                {"predecessor": predecessor, "successor": successor},
                {
                    "effective_date": row.effective_date,
                    "legal_basis": row.legal_basis,
                    "whole": row.whole,
                },
                lineage_counter,
            )

        statistic_counter = _Counter()
        existing_statistics = {
            (stat.province_id, stat.year): stat for stat in ProvinceStatistic.objects.all()
        }
        for row in data.statistics:
            province = saved[row.province]
            _upsert(
                ProvinceStatistic,
                existing_statistics.get((province.pk, row.year)),
                {"province": province, "year": row.year},
                {
                    "area_km2": row.area_km2,
                    "population": row.population,
                    "district_units": row.district_units,
                    "commune_units": row.commune_units,
                    "source": row.source,
                },
                statistic_counter,
            )

    return LoadReport(
        provinces=province_counter.result(),
        lineages=lineage_counter.result(),
        statistics=statistic_counter.result(),
    )
