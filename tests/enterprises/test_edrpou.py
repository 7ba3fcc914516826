import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from civic.enterprises.edrpou import check_digit, is_valid_edrpou, normalise_edrpou
from civic.enterprises.statements import check_edrpou


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("00032129", True),  # Ощадбанк: weights 1…7
        ("14360570", True),  # ПриватБанк: remainder 0
        ("20077720", True),  # Нафтогаз
        ("40075815", True),  # Укрзалізниця: 30–60 million, weights 7,1,2…6
        ("99001016", True),  # the demo's communal enterprises
        ("09900113", True),
        # Edges of the 30–60 million range, check digits worked by hand from the Методика:
        ("29999993", True),  # 2·1+9·2+…+9·7 = 245 ≡ 3 (mod 11)
        ("30000005", True),  # 3·7 = 21 ≡ 10 → weights +2: 3·9 = 27 ≡ 5
        ("30000003", False),  # what the weights 1…7 would give
        ("30000000", False),  # the one code where «≥ 30 000 000» and «> 30 000 000» differ
        ("59999994", True),  # 5·7+9·1+9·2+…+9·6 = 224 ≡ 4
        ("60000006", True),  # 60 million and above: weights 1…7 again
        ("00032128", False),
        ("40075814", False),
        ("1436057", False),
        ("1436057a", False),
        ("", False),
    ],
)
def test_check_digit_table(code, valid):
    assert is_valid_edrpou(code) is valid


@pytest.mark.parametrize(
    ("cell", "expected", "error"),
    [
        ("00032129", "00032129", None),
        (32129, "00032129", None),  # Excel dropped the leading zeros
        (32129.0, "00032129", None),
        (" 14360570 ", "14360570", None),
        ("1436 0570", "14360570", None),
        (None, None, "код ЄДРПОУ не вказано"),
        ("", None, "код ЄДРПОУ не вказано"),
        ("АБВ", None, "«АБВ» — не код ЄДРПОУ (очікувалося 8 цифр)"),
        ("123456789", None, "«123456789» — не код ЄДРПОУ (очікувалося 8 цифр)"),
    ],
)
def test_normalise_edrpou_table(cell, expected, error):
    assert normalise_edrpou(cell) == (expected, error)


def test_checksum_mismatch_only_warns():
    code, errors, warnings = check_edrpou("00032128")
    assert code == "00032128" and errors == []
    assert warnings == ["код ЄДРПОУ 00032128 не проходить перевірку контрольного розряду"]


def test_padding_warns():
    code, errors, warnings = check_edrpou(32129)
    assert code == "00032129" and not errors
    assert "доповнено нулями" in warnings[0]


@given(st.integers(min_value=0, max_value=9_999_999))
def test_every_seven_digit_prefix_has_exactly_one_valid_check_digit(prefix):
    assume(prefix not in (3_000_000, 6_000_000))  # the weight switch lies inside these ten codes
    base = f"{prefix:07d}"
    valid = [d for d in range(10) if is_valid_edrpou(base + str(d))]
    assert valid == [check_digit(base + "0")]
