"""The Zengin (全銀協) 総合振込 file: the fixed-width file a Japanese bank takes to pay many
accounts from one of ours. Pure code (no database, no clock): the payout service reads the
approved statements and hands this module plain values, so every byte is tested by hand.

The layout is the 全銀協制定ファイルフォーマット for 総合振込 (種別コード 21), as banks publish
it: four kinds of 120-byte record, one header, one data record per transfer, one trailer and one
end record, each followed by CRLF. N: digits, right-aligned, zero-padded; C: half-width
characters, left-aligned, space-padded. Positions count bytes from 1.

Header (データ区分 1)::

    1      N1   データ区分        1
    2-3    N2   種別コード        21 (総合振込)
    4      N1   コード区分        0 (JIS; the file is Shift_JIS)
    5-14   N10  依頼人コード      the consignor code the bank gave us
    15-54  C40  依頼人名          our name in kana
    55-58  N4   取組日            the transfer date, MMDD
    59-62  N4   仕向銀行番号      our bank
    63-77  C15  仕向銀行名
    78-80  N3   仕向支店番号      our branch
    81-95  C15  仕向支店名
    96     N1   預金種目          1 普通, 2 当座 (no savings account pays out)
    97-103 N7   口座番号
    104-120 C17 ダミー            spaces

Data (データ区分 2), one per transfer::

    1      N1   データ区分        2
    2-5    N4   被仕向銀行番号
    6-20   C15  被仕向銀行名
    21-23  N3   被仕向支店番号
    24-38  C15  被仕向支店名
    39-42  N4   手形交換所番号    unused: 0000 (the published layout says 0, not spaces)
    43     N1   預金種目          1 普通, 2 当座, 4 貯蓄
    44-50  N7   口座番号
    51-80  C30  受取人名          the account holder in kana
    81-90  N10  振込金額          yen
    91     N1   新規コード        0 (neither a first transfer nor a change)
    92-101 N10  顧客コード1       e.g. the statement number; zeros when there is none
    102-111 N10 顧客コード2       zeros
    112    N1   振込指定区分      7 (電信: by wire)
    113    C1   識別表示          space (so 顧客コード are codes, not EDI text)
    114-120 C7  ダミー

Trailer (データ区分 8): 2-7 N6 合計件数, 8-19 N12 合計金額, 20-120 C101 dummy.
End (データ区分 9): 2-120 C119 dummy.

Bank and branch names are the kana the `zengin-code` package holds (the published list of
bank and branch codes), converted to half-width; names of people and companies go through
`zengin_kana`, which converts what has one obvious spelling and refuses the rest, because a
holder name the bank cannot match sends the money back (組戻し) days later.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

import jaconv
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zengin_code import Bank

RECORD_BYTES = 120
RECORD_SEPARATOR = b"\r\n"
TRANSFER_TYPE = "21"  # 総合振込
CODE_TYPE = "0"  # JIS: Shift_JIS on a PC
NEW_CODE = "0"
WIRE = "7"  # 振込指定区分: 電信
CLEARING_HOUSE_UNUSED = "0000"

CONSIGNOR_NAME_LENGTH = 40
HOLDER_NAME_LENGTH = 30
BANK_NAME_LENGTH = 15
CUSTOMER_CODE_LENGTH = 10
MAX_AMOUNT = Decimal(9_999_999_999)  # 振込金額 N10
MAX_TOTAL = 999_999_999_999  # 合計金額 N12
MAX_COUNT = 999_999  # 合計件数 N6

# partners.choices.BankAccountType values → 預金種目. Spelled here, not imported, so this
# module stays free of Django models; a test checks the two agree.
ACCOUNT_TYPE_CODES = {"ordinary": "1", "current": "2", "savings": "4"}
# The header's 預金種目 is 1, 2 or 9: a savings (貯蓄) account cannot pay out.
ORIGINATOR_ACCOUNT_TYPES = ("ordinary", "current")

# The Zengin character set: digits, upper-case letters, half-width kana ｱ-ﾝ (no ｦ, no small
# kana), the sound marks ﾞ ﾟ, space and ( ) . - / ¥ ,
ZENGIN_CHARACTERS = re.compile(r"[0-9A-Z\uFF71-\uFF9F ().\-/¥,]")

# Before the half-width conversion: small kana that have no half-width form.
_FULL_WIDTH_SMALL = str.maketrans("ヵヶヮ", "カケワ")
_AFTER_HALF_WIDTH = str.maketrans(
    {
        **dict(zip("ｧｨｩｪｫｯｬｭｮ", "ｱｲｳｴｵﾂﾔﾕﾖ", strict=True)),
        **{chr(c): chr(c - 0x20) for c in range(ord("a"), ord("z") + 1)},
        # The long-vowel mark and every dash a keyboard or a PDF gives: a bank writes "-".
        **dict.fromkeys("ｰ‐‑‒–—―−﹣", "-"),
        # JIS X 0201 has the yen sign where ASCII has the backslash.
        "￥": "¥",
        "\\": "¥",
    }
)


def _normalised(text: str) -> tuple[str, str]:
    """(the text in Zengin characters as far as it converts, the characters that do not)."""
    kana = jaconv.z2h(
        jaconv.hira2kata(text).translate(_FULL_WIDTH_SMALL), kana=True, ascii=True, digit=True
    )
    kana = kana.translate(_AFTER_HALF_WIDTH).strip()
    refused = "".join(dict.fromkeys(c for c in kana if not ZENGIN_CHARACTERS.fullmatch(c)))
    return kana, refused


def zengin_kana(text: str) -> str:
    """`text` as a bank transfer carries it: half-width kana, upper-case letters, large kana,
    "-" for the long-vowel mark and dashes. Kanji, ｦ, "・", "&" and the like have no single
    right spelling, so they are refused rather than guessed."""
    kana, refused = _normalised(text)
    if refused:
        raise ValidationError(
            _("“%(text)s” has characters a bank transfer cannot carry: %(characters)s.")
            % {"text": text, "characters": " ".join(refused)},
            code="zengin_characters",
        )
    return kana


@dataclass(frozen=True)
class Originator:
    """Our side: the account the transfers are paid from, and the consignor code (委託者コード)
    the bank gave us for this service. account_type is a partners BankAccountType value."""

    consignor_code: str
    name_kana: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str


@dataclass(frozen=True)
class Transfer:
    """One payment. label names the row in error messages (the partner's name);
    account_type is a partners BankAccountType value; customer_code (顧客コード1) comes back
    on the bank's statement, so the statement number is a good one."""

    label: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    account_holder_kana: str
    amount: Decimal
    customer_code: str = ""


@dataclass(frozen=True)
class _Account:
    """A checked bank account: codes, half-width names from zengin-code, 預金種目."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str


def _bank_kana(kana: str) -> str:
    # zengin-code's kana are full-width and already in Zengin spelling (large kana, "－");
    # the published names fit in 15 half-width characters, truncation is a safety net.
    return zengin_kana(kana)[:BANK_NAME_LENGTH]


def _check_account(
    label: str,
    *,
    bank_code: str,
    branch_code: str,
    account_type: str,
    account_number: str,
    account_types: Collection[str],
    account_type_message: str,
    errors: list[ValidationError],
) -> _Account | None:
    found = len(errors)
    bank = branch = None
    if not re.fullmatch(r"[0-9]{4}", bank_code):
        errors.append(
            ValidationError(
                _("%(label)s: the bank code “%(code)s” is not 4 digits.")
                % {"label": label, "code": bank_code},
                code="bank_code",
            )
        )
    elif (bank := Bank.all.get(bank_code)) is None:
        errors.append(
            ValidationError(
                _("%(label)s: the bank code %(code)s is not a bank in the Zengin data.")
                % {"label": label, "code": bank_code},
                code="unknown_bank",
            )
        )
    if not re.fullmatch(r"[0-9]{3}", branch_code):
        errors.append(
            ValidationError(
                _("%(label)s: the branch code “%(code)s” is not 3 digits.")
                % {"label": label, "code": branch_code},
                code="branch_code",
            )
        )
    elif bank is not None and (branch := bank.branches.get(branch_code)) is None:
        errors.append(
            ValidationError(
                _(
                    "%(label)s: the branch code %(code)s is not a branch of %(bank)s "
                    "(%(bank_code)s) in the Zengin data."
                )
                % {"label": label, "code": branch_code, "bank": bank.name, "bank_code": bank.code},
                code="unknown_branch",
            )
        )
    if account_type not in account_types:
        errors.append(
            ValidationError(
                account_type_message % {"label": label, "type": account_type},
                code="account_type",
            )
        )
    if not re.fullmatch(r"[0-9]{7}", account_number):
        errors.append(
            ValidationError(
                _("%(label)s: the account number “%(number)s” is not 7 digits.")
                % {"label": label, "number": account_number},
                code="account_number",
            )
        )
    if len(errors) > found or bank is None or branch is None:
        return None
    return _Account(
        bank_code=bank_code,
        bank_name=_bank_kana(bank.kana),
        branch_code=branch_code,
        branch_name=_bank_kana(branch.kana),
        account_type=ACCOUNT_TYPE_CODES[account_type],
        account_number=account_number,
    )


def _check_name(
    label: str, text: str, *, length: int, errors: list[ValidationError], originator: bool
) -> str:
    kana, refused = _normalised(text)
    if originator:
        missing = _("%(label)s: the consignor name in kana is missing.")
        invalid = _(
            "%(label)s: the consignor name has characters a bank transfer cannot carry: "
            "%(characters)s."
        )
        too_long = _(
            "%(label)s: the consignor name is %(length)s characters long in half-width kana; "
            "a bank transfer carries at most %(limit)s."
        )
    else:
        missing = _("%(label)s: the account holder's name in kana is missing.")
        invalid = _(
            "%(label)s: the account holder's name has characters a bank transfer cannot "
            "carry: %(characters)s."
        )
        too_long = _(
            "%(label)s: the account holder's name is %(length)s characters long in half-width "
            "kana; a bank transfer carries at most %(limit)s."
        )
    values = {"label": label, "characters": " ".join(refused), "length": len(kana)}
    if not kana:
        errors.append(ValidationError(missing % values, code="name_missing"))
    elif refused:
        errors.append(ValidationError(invalid % values, code="name_characters"))
    elif len(kana) > length:
        errors.append(ValidationError(too_long % {**values, "limit": length}, code="name_length"))
    return kana


def _check_amount(label: str, amount: object, errors: list[ValidationError]) -> int:
    # Money never floats: a float (or a bool) is refused, not rounded.
    whole = (
        isinstance(amount, Decimal) and amount.is_finite() and amount == amount.to_integral_value()
    ) or (isinstance(amount, int) and not isinstance(amount, bool))
    if not whole:
        errors.append(
            ValidationError(
                _("%(label)s: the amount %(amount)s is not a whole number of yen.")
                % {"label": label, "amount": amount},
                code="amount_not_whole",
            )
        )
        return 0
    if amount <= 0:
        errors.append(
            ValidationError(
                _("%(label)s: the amount %(amount)s is not more than zero.")
                % {"label": label, "amount": amount},
                code="amount_not_positive",
            )
        )
    elif amount > MAX_AMOUNT:
        errors.append(
            ValidationError(
                _(
                    "%(label)s: the amount %(amount)s is more than one transfer can carry "
                    "(9,999,999,999 yen)."
                )
                % {"label": label, "amount": amount},
                code="amount_too_large",
            )
        )
    return int(amount)


def _text(value: str, width: int) -> str:
    if len(value) > width:
        raise ValueError(f"{value!r} is longer than its {width} characters")
    return value.ljust(width)


def _number(value: str | int, width: int) -> str:
    digits = str(value)
    if not re.fullmatch(rf"[0-9]{{1,{width}}}", digits):
        raise ValueError(f"{digits!r} is not a number of at most {width} digits")
    return digits.rjust(width, "0")


def _record(fields: Sequence[str]) -> bytes:
    # cp932 spells the JIS X 0201 yen sign (0x5C) as the backslash.
    data = "".join(fields).replace("¥", "\\").encode("cp932")
    if len(data) != RECORD_BYTES:
        # A bug, not bad input: the checks above let nothing through that does not fit.
        raise ValueError(f"a Zengin record is {RECORD_BYTES} bytes, not {len(data)}")
    return data


def _check_originator(originator: Originator, errors: list[ValidationError]):
    """The originator's name and account as the file writes them (None where wrong)."""
    us = _("Originator")
    if not re.fullmatch(r"[0-9]{10}", originator.consignor_code):
        errors.append(
            ValidationError(
                _("%(label)s: the consignor code “%(code)s” is not 10 digits.")
                % {"label": us, "code": originator.consignor_code},
                code="consignor_code",
            )
        )
    our_name = _check_name(
        us, originator.name_kana, length=CONSIGNOR_NAME_LENGTH, errors=errors, originator=True
    )
    our_account = _check_account(
        us,
        bank_code=originator.bank_code,
        branch_code=originator.branch_code,
        account_type=originator.account_type,
        account_number=originator.account_number,
        account_types=ORIGINATOR_ACCOUNT_TYPES,
        account_type_message=_(
            "%(label)s: the account type “%(type)s” cannot pay out transfers: use an "
            "ordinary or a current account."
        ),
        errors=errors,
    )
    return our_name, our_account


def originator_check(originator: Originator) -> None:
    """Refuse originator details the bank would refuse (every problem at once)."""
    errors: list[ValidationError] = []
    _check_originator(originator, errors)
    if errors:
        raise ValidationError(errors)


def zengin_file(
    originator: Originator, transfers: Sequence[Transfer], transfer_date: datetime.date
) -> bytes:
    """The 総合振込 file paying `transfers` from the originator's account on `transfer_date`
    (a bank business day: payouts.calendar chose it). Every problem of every row is raised at
    once, as one ValidationError whose messages each name the row and the field."""
    errors: list[ValidationError] = []
    our_name, our_account = _check_originator(originator, errors)
    if not transfers:
        errors.append(ValidationError(_("There are no transfers to write."), code="empty"))

    not_a_type = _("%(label)s: the account type “%(type)s” is not ordinary, current or savings.")
    rows = []
    for transfer in transfers:
        label = transfer.label
        account = _check_account(
            label,
            bank_code=transfer.bank_code,
            branch_code=transfer.branch_code,
            account_type=transfer.account_type,
            account_number=transfer.account_number,
            account_types=ACCOUNT_TYPE_CODES,
            account_type_message=not_a_type,
            errors=errors,
        )
        holder = _check_name(
            label,
            transfer.account_holder_kana,
            length=HOLDER_NAME_LENGTH,
            errors=errors,
            originator=False,
        )
        amount = _check_amount(label, transfer.amount, errors)
        if not re.fullmatch(rf"[0-9]{{0,{CUSTOMER_CODE_LENGTH}}}", transfer.customer_code):
            errors.append(
                ValidationError(
                    _("%(label)s: the customer code “%(code)s” is not a number of up to 10 digits.")
                    % {"label": label, "code": transfer.customer_code},
                    code="customer_code",
                )
            )
        rows.append((transfer, account, holder, amount))

    total = sum(amount for _transfer, _account, _holder, amount in rows)
    if len(rows) > MAX_COUNT:
        errors.append(
            ValidationError(
                _("A Zengin file holds at most 999,999 transfers; there are %(count)s.")
                % {"count": len(rows)},
                code="too_many",
            )
        )
    if total > MAX_TOTAL:
        errors.append(
            ValidationError(
                _("The transfers add up to %(total)s yen, more than a Zengin file can carry.")
                % {"total": total},
                code="total_too_large",
            )
        )
    if errors:
        raise ValidationError(errors)
    assert our_account is not None  # no errors: every account was checked

    records = [
        _record(
            [
                "1",
                TRANSFER_TYPE,
                CODE_TYPE,
                _number(originator.consignor_code, 10),
                _text(our_name, CONSIGNOR_NAME_LENGTH),
                transfer_date.strftime("%m%d"),
                _number(our_account.bank_code, 4),
                _text(our_account.bank_name, BANK_NAME_LENGTH),
                _number(our_account.branch_code, 3),
                _text(our_account.branch_name, BANK_NAME_LENGTH),
                our_account.account_type,
                _number(our_account.account_number, 7),
                _text("", 17),
            ]
        )
    ]
    for transfer, account, holder, amount in rows:
        records.append(
            _record(
                [
                    "2",
                    _number(account.bank_code, 4),
                    _text(account.bank_name, BANK_NAME_LENGTH),
                    _number(account.branch_code, 3),
                    _text(account.branch_name, BANK_NAME_LENGTH),
                    CLEARING_HOUSE_UNUSED,
                    account.account_type,
                    _number(account.account_number, 7),
                    _text(holder, HOLDER_NAME_LENGTH),
                    _number(amount, 10),
                    NEW_CODE,
                    _number(transfer.customer_code or 0, CUSTOMER_CODE_LENGTH),
                    _number(0, CUSTOMER_CODE_LENGTH),
                    WIRE,
                    " ",
                    _text("", 7),
                ]
            )
        )
    records.append(_record(["8", _number(len(rows), 6), _number(total, 12), _text("", 101)]))
    records.append(_record(["9", _text("", 119)]))
    return b"".join(record + RECORD_SEPARATOR for record in records)
