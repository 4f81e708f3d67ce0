from countries.models import Country, Region


def test_all_193_member_states_are_loaded(db):
    assert Country.objects.filter(is_member_state=True).count() == 193


def test_kenya_has_its_iso_and_m49_codes(kenya):
    assert (kenya.iso2, kenya.iso3, kenya.m49) == ("KE", "KEN", "404")
    assert (kenya.subregion, kenya.region) == ("Eastern Africa", "Africa")


def test_codes_are_unique_and_well_formed(db):
    rows = list(Country.objects.values_list("iso2", "iso3", "m49", "region"))
    for column in range(3):
        assert len({row[column] for row in rows}) == 193
    assert all(len(r[0]) == 2 and len(r[1]) == 3 and r[2].isdigit() for r in rows)
    assert {r[3] for r in rows} == set(Region.values)


def test_regions_hold_the_m49_counts(db):
    counts = {r: Country.objects.filter(region=r).count() for r in Region.values}
    assert counts == {"Africa": 54, "Americas": 35, "Asia": 47, "Europe": 43, "Oceania": 14}


def test_some_well_known_codes(db):
    expected = {
        "FRA": ("FR", "250", "Western Europe", "Europe"),
        "BRA": ("BR", "076", "South America", "Americas"),
        "CHN": ("CN", "156", "Eastern Asia", "Asia"),
        "FJI": ("FJ", "242", "Melanesia", "Oceania"),
        "SSD": ("SS", "728", "Eastern Africa", "Africa"),
    }
    for iso3, values in expected.items():
        c = Country.objects.get(iso3=iso3)
        assert (c.iso2, c.m49, c.subregion, c.region) == values


def test_observer_states_are_not_member_states(db):
    assert not Country.objects.filter(name__in=["Holy See", "State of Palestine"]).exists()
