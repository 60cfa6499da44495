"""The Ethereum primitives of ``_eth``: pure functions, no chain."""

import pytest

from ape_livepeer_migration._eth import GWEI_DECIMALS, UNIT, amount_text, rpc_int, token_text


@pytest.mark.parametrize("value, expected", [("0x0", 0), ("0x1f", 31), (31, 31), ("0X10", 16)])
def test_rpc_int_reads_hex_strings_and_numbers(value, expected):
    assert rpc_int(value) == expected


@pytest.mark.parametrize(
    "amount, decimals, text",
    [
        (50_000 * UNIT, 18, "50000"),
        (525 * UNIT // 100, 18, "5.25"),
        (-14 * UNIT // 10_000, 18, "-0.0014"),
        (1, 18, "0.000000000000000001"),
        (218_500, 7, "0.02185"),
        (7, 0, "7"),
        (0, 18, "0"),
        (1_500_000_000, GWEI_DECIMALS, "1.5"),
    ],
)
def test_exact_text_keeps_every_digit_and_drops_trailing_zeros(amount, decimals, text):
    assert amount_text(amount, decimals) == text


@pytest.mark.parametrize(
    "amount, places, text",
    [
        (5 * UNIT, 4, "5.0000"),
        (123_456_789 * UNIT // 100_000, 2, "1234.57"),  # 1234.56789 rounds up
        (123_454 * UNIT // 100_000, 2, "1.23"),  # 1.23454 rounds down
        (125 * UNIT // 1000, 2, "0.12"),  # an exact half goes to the even neighbour
        (135 * UNIT // 1000, 2, "0.14"),
        (-125 * UNIT // 100, 1, "-1.2"),
        (UNIT // 2, 0, "0"),
        (3 * UNIT // 2, 0, "2"),
        (-1, 4, "0.0000"),  # rounds to zero: no sign
        (7, 0, "0"),
    ],
)
def test_fixed_places_round_half_to_even(amount, places, text):
    assert amount_text(amount, places=places) == text


def test_fixed_places_beyond_the_decimals_pad_with_zeros():
    assert amount_text(15, 1, places=3) == "1.500"


def test_grouped_separates_thousands_of_the_whole_part_only():
    assert amount_text(25_000_000 * UNIT, grouped=True) == "25,000,000"
    assert amount_text(1_234_567 * UNIT + UNIT // 8, places=4, grouped=True) == "1,234,567.1250"
    assert amount_text(-1_000 * UNIT - UNIT // 4, grouped=True) == "-1,000.25"


def test_matches_float_formatting_where_the_float_is_exact():
    # values a float holds exactly (sums of powers of two): Python's own formatting is the reference
    for amount in (UNIT // 4, 3 * UNIT + UNIT // 8, 1_048_576 * UNIT, -7 * UNIT // 16, -1_000_000 * UNIT):
        for places in (2, 4, 6):
            assert amount_text(amount, places=places, grouped=True) == f"{amount / UNIT:,.{places}f}"


def test_token_text_shows_lpt_and_eth_with_six_decimals_grouped():
    assert token_text(5_000 * UNIT) == "5,000.000000"
    assert token_text(427_605 * 10**9) == "0.000428"  # 0.000427605 rounds to six places
    assert token_text(0) == "0.000000"
    # a float would turn this amount into 100,000,000,000,000,004,764,729,344: the text is exact to six places
    assert token_text(10**26 * UNIT + 1) == "100,000,000,000,000,000,000,000,000.000000"
