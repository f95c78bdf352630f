"""The Zengin 総合振込 file, byte for byte against a fixture written out by hand field by field
(below: each field with the byte it starts at, as the bank's layout gives it), the kana rules,
and the checks that refuse a file a bank would send back."""

import datetime
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from zengin_code import Bank

from partners.choices import BankAccountType
from payouts.zengin import (
    ACCOUNT_TYPE_CODES,
    Originator,
    Transfer,
    zengin_file,
    zengin_kana,
)

FIXTURES = Path(__file__).parent / "fixtures" / "zengin"
PAID_ON = datetime.date(2026, 6, 30)

ORIGINATOR = Originator(
    consignor_code="1234567890",
    name_kana="カ）ピーアールエム",  # full-width on purpose: the file holds ｶ)ﾋﾟ-ｱ-ﾙｴﾑ
    bank_code="0001",  # みずほ
    branch_code="001",  # 東京営業部
    account_type="ordinary",
    account_number="1234567",
)
ACME = Transfer(
    label="Acme KK",
    bank_code="0005",  # 三菱ＵＦＪ
    branch_code="001",  # 本店
    account_type="ordinary",
    account_number="7654321",
    account_holder_kana="ｶ)ｱｸﾒ",
    amount=Decimal("110000"),
    customer_code="000123",  # the statement number
)
SAKURA = Transfer(
    label="Sakura Consulting",
    bank_code="0009",  # 三井住友
    branch_code="211",  # 東京営業部
    account_type="current",
    account_number="0007654",
    account_holder_kana="サクラコンサルティング（ド",  # small ィ becomes ｲ
    amount=Decimal("51060"),
)

# two_transfers.txt, field by field: (first byte, width, field, value). The bank and branch
# names are zengin-code's kana in half-width (ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ: 13 bytes, ﾞ is a byte of its own).
TWO_TRANSFERS = [
    [
        (1, 1, "データ区分", "1"),
        (2, 2, "種別コード", "21"),
        (4, 1, "コード区分", "0"),
        (5, 10, "依頼人コード", "1234567890"),
        (15, 40, "依頼人名", "ｶ)ﾋﾟ-ｱ-ﾙｴﾑ" + " " * 30),
        (55, 4, "取組日", "0630"),
        (59, 4, "仕向銀行番号", "0001"),
        (63, 15, "仕向銀行名", "ﾐｽﾞﾎ" + " " * 11),
        (78, 3, "仕向支店番号", "001"),
        (81, 15, "仕向支店名", "ﾄｳｷﾖｳ" + " " * 10),
        (96, 1, "預金種目", "1"),
        (97, 7, "口座番号", "1234567"),
        (104, 17, "ダミー", " " * 17),
    ],
    [
        (1, 1, "データ区分", "2"),
        (2, 4, "被仕向銀行番号", "0005"),
        (6, 15, "被仕向銀行名", "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ" + " " * 2),
        (21, 3, "被仕向支店番号", "001"),
        (24, 15, "被仕向支店名", "ﾎﾝﾃﾝ" + " " * 11),
        (39, 4, "手形交換所番号", "0000"),
        (43, 1, "預金種目", "1"),
        (44, 7, "口座番号", "7654321"),
        (51, 30, "受取人名", "ｶ)ｱｸﾒ" + " " * 25),
        (81, 10, "振込金額", "0000110000"),
        (91, 1, "新規コード", "0"),
        (92, 10, "顧客コード1", "0000000123"),
        (102, 10, "顧客コード2", "0000000000"),
        (112, 1, "振込指定区分", "7"),
        (113, 1, "識別表示", " "),
        (114, 7, "ダミー", " " * 7),
    ],
    [
        (1, 1, "データ区分", "2"),
        (2, 4, "被仕向銀行番号", "0009"),
        (6, 15, "被仕向銀行名", "ﾐﾂｲｽﾐﾄﾓ" + " " * 8),
        (21, 3, "被仕向支店番号", "211"),
        (24, 15, "被仕向支店名", "ﾄｳｷﾖｳｴｲｷﾞﾖｳﾌﾞ" + " " * 2),
        (39, 4, "手形交換所番号", "0000"),
        (43, 1, "預金種目", "2"),
        (44, 7, "口座番号", "0007654"),
        (51, 30, "受取人名", "ｻｸﾗｺﾝｻﾙﾃｲﾝｸﾞ(ﾄﾞ" + " " * 15),
        (81, 10, "振込金額", "0000051060"),
        (91, 1, "新規コード", "0"),
        (92, 10, "顧客コード1", "0000000000"),
        (102, 10, "顧客コード2", "0000000000"),
        (112, 1, "振込指定区分", "7"),
        (113, 1, "識別表示", " "),
        (114, 7, "ダミー", " " * 7),
    ],
    [
        (1, 1, "データ区分", "8"),
        (2, 6, "合計件数", "000002"),
        (8, 12, "合計金額", "000000161060"),  # 110,000 + 51,060
        (20, 101, "ダミー", " " * 101),
    ],
    [
        (1, 1, "データ区分", "9"),
        (2, 119, "ダミー", " " * 119),
    ],
]


def _written_out(records) -> bytes:
    """The hand-written fields as bytes, after checking each starts where the layout says."""
    data = b""
    for fields in records:
        record = b""
        for first, width, name, value in fields:
            encoded = value.encode("cp932")
            assert (len(record) + 1, len(encoded)) == (first, width), name
            record += encoded
        assert len(record) == 120
        data += record + b"\r\n"
    return data


def _error_messages(originator=ORIGINATOR, transfers=(ACME,)) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        zengin_file(originator, list(transfers), PAID_ON)
    return caught.value.messages


def test_the_fixture_is_the_fields_written_out_by_hand():
    assert (FIXTURES / "two_transfers.txt").read_bytes() == _written_out(TWO_TRANSFERS)


def test_two_transfers_match_the_fixture_byte_for_byte():
    assert (
        zengin_file(ORIGINATOR, [ACME, SAKURA], PAID_ON)
        == (FIXTURES / "two_transfers.txt").read_bytes()
    )


def test_every_record_is_120_bytes_and_ends_with_crlf():
    data = zengin_file(ORIGINATOR, [ACME, SAKURA, ACME], PAID_ON)
    assert data.endswith(b"\r\n")
    records = data.split(b"\r\n")
    assert records.pop() == b""
    assert [len(record) for record in records] == [120] * 6
    assert [record[:1] for record in records] == [b"1", b"2", b"2", b"2", b"8", b"9"]
    assert b"\n" not in b"".join(records) and b"\r" not in b"".join(records)


def test_the_trailer_counts_and_sums_the_transfers():
    transfers = [
        replace(ACME, amount=Decimal(1)),
        replace(ACME, amount=Decimal(9_999_999_999)),
        replace(SAKURA, amount=Decimal("250000.00")),
    ]
    trailer = zengin_file(ORIGINATOR, transfers, PAID_ON).split(b"\r\n")[-3]
    # 合計件数 at 2-7, 合計金額 at 8-19: 1 + 9,999,999,999 + 250,000.
    assert trailer[1:7] == b"000003"
    assert trailer[7:19] == b"010000250000"


def test_the_largest_amount_fills_the_ten_digits():
    data = zengin_file(ORIGINATOR, [replace(ACME, amount=Decimal(9_999_999_999))], PAID_ON)
    assert data.split(b"\r\n")[1][80:90] == b"9999999999"


def test_a_whole_amount_with_decimal_places_is_written_in_yen():
    data = zengin_file(ORIGINATOR, [replace(ACME, amount=Decimal("110000.00"))], PAID_ON)
    assert data.split(b"\r\n")[1][80:90] == b"0000110000"


def test_the_transfer_date_is_month_and_day():
    data = zengin_file(ORIGINATOR, [ACME], datetime.date(2027, 1, 5))
    assert data[54:58] == b"0105"


def test_a_savings_account_is_paid_as_chochiku():
    data = zengin_file(ORIGINATOR, [replace(ACME, account_type="savings")], PAID_ON)
    assert data.split(b"\r\n")[1][42:43] == b"4"


def test_the_account_types_are_the_partners_bank_account_types():
    assert set(ACCOUNT_TYPE_CODES) == set(BankAccountType.values)
    assert ACCOUNT_TYPE_CODES == {
        BankAccountType.ORDINARY: "1",
        BankAccountType.CURRENT: "2",
        BankAccountType.SAVINGS: "4",
    }


def test_the_yen_sign_is_the_jis_byte_0x5c():
    data = zengin_file(ORIGINATOR, [replace(ACME, account_holder_kana="ｱｸﾒ￥")], PAID_ON)
    assert data.split(b"\r\n")[1][50:55] == b"\xb1\xb8\xd2\x5c "


def test_every_bank_and_branch_name_in_zengin_code_fits_its_15_bytes():
    too_long = []
    for bank in Bank.all.values():
        for kana in [bank.kana, *(branch.kana for branch in bank.branches.values())]:
            name = zengin_kana(kana)
            if len(name.replace("¥", "\\").encode("cp932")) > 15:
                too_long.append((bank.code, kana))
    assert too_long == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("カ）サクラ", "ｶ)ｻｸﾗ"),  # full-width katakana and parenthesis
        ("かぶしきがいしや", "ｶﾌﾞｼｷｶﾞｲｼﾔ"),  # hiragana is read as katakana
        ("ｷｬｯｼｭ", "ｷﾔﾂｼﾕ"),  # small kana become large
        ("キャッシュ", "ｷﾔﾂｼﾕ"),
        ("ヵヶ", "ｶｹ"),  # small kana without a half-width form
        ("ヴァイオリン", "ｳﾞｱｲｵﾘﾝ"),
        ("abc Ｄｅｆ １２３", "ABC DEF 123"),  # ASCII and full-width letters upper-cased
        ("コーヒー", "ｺ-ﾋ-"),  # the long-vowel mark
        ("ｺｰﾋｰ", "ｺ-ﾋ-"),
        ("A‐B–C—D―E−F－G", "A-B-C-D-E-F-G"),  # every dash
        ("サクラ　タロウ", "ｻｸﾗ ﾀﾛｳ"),  # the ideographic space
        ("（カ）．，／", "(ｶ).,/"),
        ("￥\\", "¥¥"),
        ("  ｻｸﾗ  ", "ｻｸﾗ"),
    ],
)
def test_zengin_kana_converts(text, expected):
    assert zengin_kana(text) == expected


@pytest.mark.parametrize("text", ["桜商事", "ヲ", "ｦ", "エヌ・ティ", "A&B", "A@B", "ß", "ヰ", "é"])
def test_zengin_kana_refuses_what_has_no_zengin_spelling(text):
    with pytest.raises(ValidationError) as caught:
        zengin_kana(text)
    assert caught.value.code == "zengin_characters"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"bank_code": "9999"},
            "Acme KK: the bank code 9999 is not a bank in the Zengin data.",
        ),
        ({"bank_code": "12"}, "Acme KK: the bank code “12” is not 4 digits."),
        ({"bank_code": "０００５"}, "Acme KK: the bank code “０００５” is not 4 digits."),
        (
            {"branch_code": "999"},
            "Acme KK: the branch code 999 is not a branch of 三菱ＵＦＪ (0005) in the Zengin data.",
        ),
        ({"branch_code": "1"}, "Acme KK: the branch code “1” is not 3 digits."),
        (
            {"account_type": "other"},
            "Acme KK: the account type “other” is not ordinary, current or savings.",
        ),
        ({"account_number": "123456"}, "Acme KK: the account number “123456” is not 7 digits."),
        ({"account_number": "12345678"}, "Acme KK: the account number “12345678” is not 7 digits."),
        ({"account_holder_kana": ""}, "Acme KK: the account holder's name in kana is missing."),
        ({"account_holder_kana": "　"}, "Acme KK: the account holder's name in kana is missing."),
        (
            {"account_holder_kana": "株式会社アクメ"},
            "Acme KK: the account holder's name has characters a bank transfer cannot carry: "
            "株 式 会 社.",
        ),
        (
            {"account_holder_kana": "ｱ" * 31},
            "Acme KK: the account holder's name is 31 characters long in half-width kana; a bank "
            "transfer carries at most 30.",
        ),
        (
            # ガ is two bytes, ｶ and ﾞ: 16 of them are 32.
            {"account_holder_kana": "ガ" * 16},
            "Acme KK: the account holder's name is 32 characters long in half-width kana; a bank "
            "transfer carries at most 30.",
        ),
        ({"amount": Decimal(0)}, "Acme KK: the amount 0 is not more than zero."),
        ({"amount": Decimal(-5)}, "Acme KK: the amount -5 is not more than zero."),
        ({"amount": Decimal("1.5")}, "Acme KK: the amount 1.5 is not a whole number of yen."),
        ({"amount": Decimal("NaN")}, "Acme KK: the amount NaN is not a whole number of yen."),
        ({"amount": 100.0}, "Acme KK: the amount 100.0 is not a whole number of yen."),
        (
            {"amount": Decimal(10_000_000_000)},
            "Acme KK: the amount 10000000000 is more than one transfer can carry "
            "(9,999,999,999 yen).",
        ),
        (
            {"customer_code": "ST-1"},
            "Acme KK: the customer code “ST-1” is not a number of up to 10 digits.",
        ),
        (
            {"customer_code": "12345678901"},
            "Acme KK: the customer code “12345678901” is not a number of up to 10 digits.",
        ),
    ],
)
def test_a_bad_transfer_is_refused_naming_the_row_and_the_field(changes, message):
    assert _error_messages(transfers=[replace(ACME, **changes)]) == [message]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consignor_code": "12345"}, "Originator: the consignor code “12345” is not 10 digits."),
        ({"name_kana": ""}, "Originator: the consignor name in kana is missing."),
        (
            {"name_kana": "株式会社ピーアールエム"},
            "Originator: the consignor name has characters a bank transfer cannot carry: "
            "株 式 会 社.",
        ),
        (
            {"name_kana": "ｱ" * 41},
            "Originator: the consignor name is 41 characters long in half-width kana; a bank "
            "transfer carries at most 40.",
        ),
        (
            {"bank_code": "9999"},
            "Originator: the bank code 9999 is not a bank in the Zengin data.",
        ),
        (
            {"branch_code": "998"},
            "Originator: the branch code 998 is not a branch of みずほ (0001) in the Zengin data.",
        ),
        (
            {"account_type": "savings"},
            "Originator: the account type “savings” cannot pay out transfers: use an ordinary "
            "or a current account.",
        ),
        ({"account_number": ""}, "Originator: the account number “” is not 7 digits."),
    ],
)
def test_a_bad_originator_is_refused_naming_the_field(changes, message):
    assert _error_messages(originator=replace(ORIGINATOR, **changes)) == [message]


def test_every_problem_is_reported_at_once():
    messages = _error_messages(
        originator=replace(ORIGINATOR, consignor_code=""),
        transfers=[
            replace(ACME, bank_code="9999"),
            SAKURA,
            replace(SAKURA, label="Kita Works", account_holder_kana="北工業", amount=Decimal(0)),
        ],
    )
    assert messages == [
        "Originator: the consignor code “” is not 10 digits.",
        "Acme KK: the bank code 9999 is not a bank in the Zengin data.",
        "Kita Works: the account holder's name has characters a bank transfer cannot carry: "
        "北 工 業.",
        "Kita Works: the amount 0 is not more than zero.",
    ]


def test_a_file_without_transfers_is_refused():
    assert _error_messages(transfers=[]) == ["There are no transfers to write."]
