"""Japanese terms the team agreed on, checked over the whole catalogue, and list joining."""

from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext, pgettext

from partners.templatetags.partners_lists import join_list

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/ja/LC_MESSAGES/django.po"


def _msgstrs() -> list[str]:
    strings, current, in_str = [], [], False
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            in_str = True
            current.append(line.split(" ", 1)[1].strip('"'))
        elif in_str and line.startswith('"'):
            current.append(line.strip('"'))
        else:
            if current:
                strings.append("".join(current))
            current, in_str = [], False
    if current:
        strings.append("".join(current))
    return strings


def test_no_japanese_string_says_tenant():
    # Partner users read the same catalogue: the vendor's workspace is 組織, never テナント.
    assert [s for s in _msgstrs() if "テナント" in s] == []


def test_status_is_sutetasu_everywhere():
    assert [s for s in _msgstrs() if "状態" in s] == []


def test_bank_account_is_koza_and_a_persons_name_is_shimei():
    with translation.override("ja"):
        assert pgettext("bank", "Account") == "口座"
        assert pgettext("person", "Name") == "氏名"
        assert gettext("Status") == "ステータス"
        assert gettext("Owner") == "担当"
        assert gettext("Reps") == "担当者"


def test_finance_is_never_called_tanto_sha():
    # 担当者 is the partner's person (a rep); the vendor's own people are not 担当者.
    assert [s for s in _msgstrs() if "経理担当者" in s] == []


@pytest.mark.parametrize(
    ("language", "expected"), [("ja", "佐藤、鈴木、Tanaka"), ("en", "佐藤, 鈴木, Tanaka")]
)
def test_join_list_uses_the_languages_separator(language, expected):
    with translation.override(language):
        assert join_list(["佐藤", "鈴木", "", None, "Tanaka"]) == expected
        rendered = Template("{% load partners_lists %}{{ names|join_list }}").render(
            Context({"names": ["佐藤", "鈴木", "Tanaka"]})
        )
    assert rendered == expected


def test_join_list_escapes_names():
    rendered = Template("{% load partners_lists %}{{ names|join_list }}").render(
        Context({"names": ["<b>x</b>", "y"]})
    )
    assert "<b>" not in rendered
