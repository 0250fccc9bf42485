from provinces.collation import sort_by_name, vietnamese_key


def test_vietnamese_alphabetical_order():
    names = ["Quảng Ngãi", "Đắk Lắk", "Bình Định", "Đắk Nông", "Gia Lai", "Điện Biên", "Dương"]
    ordered = sorted(names, key=vietnamese_key)
    assert ordered == [
        "Bình Định",
        "Dương",
        "Đắk Lắk",
        "Đắk Nông",
        "Điện Biên",
        "Gia Lai",
        "Quảng Ngãi",
    ]


def test_sort_by_name_takes_a_getter():
    class P:
        def __init__(self, name):
            self.name = name

    assert [p.name for p in sort_by_name([P("Đắk Lắk"), P("Khánh Hòa"), P("An Giang")])] == [
        "An Giang",
        "Đắk Lắk",
        "Khánh Hòa",
    ]
