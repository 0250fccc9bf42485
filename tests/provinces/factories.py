"""factory_boy factories for the provinces app (reused by other apps' tests)."""

import datetime as dt

import factory

from provinces.models import Lineage, Province, ProvinceKind, ProvinceStatistic


class ProvinceFactory(factory.django.DjangoModelFactory):
    """A unit in force from 01/01/2004 with no end.

    Default codes have three digits (100–999) so that they never clash with the
    real two-digit codes of the shipped reference data loaded in the same test.
    """

    class Meta:
        model = Province

    code = factory.Sequence(lambda n: f"{n % 900 + 100}")
    name = factory.Sequence(lambda n: f"Tỉnh thử nghiệm {n}")
    kind = ProvinceKind.PROVINCE
    valid_from = dt.date(2004, 1, 1)
    valid_until = None
    legal_basis = "Nghị quyết thử nghiệm"

    class Params:
        # The 63 units ended the day before Resolution 202/2025/QH15 took effect.
        merged_2025 = factory.Trait(valid_until=dt.date(2025, 6, 30))
        # The 23 merged units that began on 01/07/2025.
        formed_2025 = factory.Trait(valid_from=dt.date(2025, 7, 1))
        municipality = factory.Trait(kind=ProvinceKind.MUNICIPALITY)


class LineageFactory(factory.django.DjangoModelFactory):
    """A 2025 merger edge: a unit ending 30/06/2025 into one starting 01/07/2025."""

    class Meta:
        model = Lineage

    predecessor = factory.SubFactory(ProvinceFactory, merged_2025=True)
    successor = factory.SubFactory(ProvinceFactory, formed_2025=True)
    effective_date = dt.date(2025, 7, 1)
    legal_basis = "Nghị quyết số 202/2025/QH15"
    whole = True


class ProvinceStatisticFactory(factory.django.DjangoModelFactory):
    """Published figures of one unit for one year (figures left empty unless given)."""

    class Meta:
        model = ProvinceStatistic

    province = factory.SubFactory(ProvinceFactory)
    year = 2022
    area_km2 = None
    population = None
    district_units = None
    commune_units = None
    source = "Niên giám thống kê (thử nghiệm)"
