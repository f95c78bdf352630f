"""Company-name and domain keys (deals/names.py): the pairs that must and must not match."""

import pytest

from deals.names import company_name_key, deal_keys, email_domain_key, web_domain_key

# (typed by one rep, typed by another): the same company.
SAME = [
    ("株式会社アクメ", "アクメ"),
    ("株式会社アクメ", "アクメ株式会社"),
    ("(株)アクメ", "株式会社アクメ"),
    ("（株）アクメ", "株式会社アクメ"),
    ("㈱アクメ", "株式会社アクメ"),
    ("アクメ㈱", "アクメ"),
    ("ｱｸﾒ", "アクメ"),
    ("(株)ｱｸﾒ", "アクメ株式会社"),
    ("あくめ", "アクメ"),
    ("株式会社 あくめ", "ｱｸﾒ(株)"),
    ("有限会社山田商店", "山田商店"),
    ("(有)山田商店", "山田商店 有限会社"),
    ("合同会社サクラ", "サクラ"),
    ("サクラ合同会社", "サクラ（同）"),
    ("一般社団法人みらい協会", "ミライ協会"),
    ("株式会社　日本　テック", "日本テック"),
    ("日本・テック株式会社", "日本テック"),
    ("ソニー・ミュージック", "ソニーミュージック"),
    ("コーヒー", "コ-ヒ-"),
    ("ＡＣＭＥ株式会社", "acme"),
    ("Acme Inc.", "ACME"),
    ("Acme, Inc.", "acme"),
    ("Acme Incorporated", "Acme"),
    ("Acme Corp.", "Acme Corporation"),
    ("Acme Co., Ltd.", "Acme"),
    ("ACME CO.,LTD.", "acme"),
    ("Acme Limited", "Acme Ltd"),
    ("Acme LLC", "Acme"),
    ("Ａｃｍｅ　Ｉｎｃ．", "Acme Inc"),
    ("Acme K.K.", "Acme"),
    ("Blue-Sky Systems", "Blue Sky Systems"),
    ("Blue Sky Systems, Inc.", "BLUESKY SYSTEMS"),
    ("Tanaka & Sons", "Tanaka and Sons".replace(" and ", " & ")),
    ("NTT DATA", "ntt data"),
    ("ｴﾇ･ﾃｨ･ﾃｨ", "エヌ・ティ・ティ"),
    ("株式会社ＡＢＣ１２３", "abc123"),
    ("Foo Corp", "foo corp."),
    ("株式会社ガス", "ｶﾞｽ"),
]

# Near misses: different companies, which must never be taken for each other.
DIFFERENT = [
    ("アクメ", "アクメ商事"),
    ("株式会社アクメ", "株式会社アクメジャパン"),
    ("山田商店", "山田商会"),
    ("サクラ", "さくら銀行"),
    ("日本テック", "東日本テック"),
    ("Acme", "Acme Japan"),
    ("Acme Inc.", "Acne Inc."),
    ("Corporate Solutions", "Solutions"),
    ("Company Works", "Works"),
    ("Coinco", "Inco"),
    ("ABC123", "ABC124"),
    ("Blue Sky", "Blue Sky Systems"),
    ("ガス", "カス"),
    ("ソニー", "ソニ"),
    ("Limitless Ltd", "Ltd"),
]


@pytest.mark.parametrize(("one", "other"), SAME, ids=[f"{a}={b}" for a, b in SAME])
def test_spellings_of_one_company_share_a_key(one, other):
    assert company_name_key(one) == company_name_key(other)
    assert company_name_key(one) != ""


@pytest.mark.parametrize(("one", "other"), DIFFERENT, ids=[f"{a}!={b}" for a, b in DIFFERENT])
def test_near_misses_do_not_match(one, other):
    assert company_name_key(one) != company_name_key(other)


def test_at_least_forty_pairs_are_checked():
    assert len(SAME) + len(DIFFERENT) >= 40


@pytest.mark.parametrize("name", ["株式会社", "(株)", "Inc.", "Co., Ltd.", "  ", ""])
def test_a_name_that_is_only_a_legal_form_has_no_key(name):
    assert company_name_key(name) == ""


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("https://www.acme.co.jp/about", "acme.co.jp"),
        ("http://ACME.co.jp:8080", "acme.co.jp"),
        ("www.acme.com", "acme.com"),
        ("acme.com.", "acme.com"),
        ("ａｃｍｅ．ｃｏｍ", "acme.com"),
        ("shop.acme.com", "shop.acme.com"),
        ("localhost", ""),
        ("not a domain", ""),
        ("", ""),
    ],
)
def test_web_domain_key(typed, key):
    assert web_domain_key(typed) == key


@pytest.mark.parametrize(
    ("email", "key"),
    [
        ("taro@acme.co.jp", "acme.co.jp"),
        ("Taro@ACME.CO.JP", "acme.co.jp"),
        ("taro@www.acme.com", "acme.com"),
        ("taro@gmail.com", ""),
        ("taro@yahoo.co.jp", ""),
        ("taro@docomo.ne.jp", ""),
        ("taro@icloud.com", ""),
        ("taro@outlook.com", ""),
        ("no-at-sign", ""),
        ("", ""),
    ],
)
def test_email_domain_key_ignores_free_mail(email, key):
    assert email_domain_key(email) == key


def test_deal_keys_are_what_every_writer_stores():
    keys = deal_keys(
        customer_name="株式会社アクメ",
        web_domain="https://www.acme.co.jp/",
        contact_email="a@gmail.com",
    )
    assert keys == {
        "customer_name_key": company_name_key("アクメ"),
        "web_domain": "acme.co.jp",
        "contact_email_domain": "",
    }
