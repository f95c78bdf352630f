"""The Japanese catalogue is complete: every string shown to people has a natural Japanese
translation, and no translation drops or invents a placeholder (which would crash or show
"%(name)s" to a user).

The .po file is read with a small parser (polib is not a dependency). The runtime checks use the
compiled .mo that set-up builds (scripts/test.py runs compilemessages before the tests).
"""

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_PATH = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
PO_KEYWORD_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')

# %(name)s, %s, %d, %.2f … but not the literal "%%".
PYTHON_FORMAT = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header included (msgid "")."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def finish():
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := PO_KEYWORD_LINE.match(line):
            keyword, index, literal = match.groups()
            target = (keyword, int(index or 0))
            _append(current, target, ast.literal_eval(literal))
        elif line.startswith('"') and target is not None:
            _append(current, target, ast.literal_eval(line))
        else:
            raise ValueError(f"django.po:{number}: cannot parse {raw!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    keyword, index = target
    if keyword == "msgid":
        entry.msgid += text
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    elif keyword == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text


def placeholders(text: str) -> list[str]:
    found = [m.group(0) for m in PYTHON_FORMAT.finditer(text) if m.group(0) != "%%"]
    return sorted(found)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid and not e.obsolete]


def test_parser_reads_the_catalogue(messages):
    # Guards the guards below: a parser that found nothing would make them pass vacuously.
    assert len(messages) > 100
    assert any(e.msgid == "Dashboard" for e in messages)


# What makemessages must not read: installed packages, data and build output.
NOT_SOURCE = (".git", ".venv", "node_modules", "var", "staticfiles", "media", "test-results")


def test_catalogue_holds_every_string_of_the_source(tmp_path):
    """The checks here read the committed .po; this proves it is current. A string added to the
    code without `make messages` would otherwise show English to Japanese users unnoticed."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE, "__pycache__"))
    ignores = [f"--ignore={name}" for name in NOT_SOURCE]
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "-d", "django", *ignores],
        cwd=copy,
        check=True,
        capture_output=True,
    )

    extracted = parse_po(copy / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    missing = [
        e.msgid
        for e in extracted
        if e.msgid and not e.obsolete and ("fuzzy" in e.flags or not all(e.msgstr.values()))
    ]
    assert missing == [], "run `make messages` and translate these entries"


def test_every_message_is_translated(messages):
    untranslated = [e.label for e in messages if not e.msgstr or not all(e.msgstr.values())]
    assert untranslated == [], "run `make messages` and translate these entries"


def test_no_entry_is_fuzzy(entries):
    # gettext skips fuzzy entries at run time, so a fuzzy translation shows English.
    fuzzy = [e.label if e.msgid else "header" for e in entries if "fuzzy" in e.flags]
    assert fuzzy == []


def test_no_translation_is_left_in_english(messages):
    # A msgstr identical to its msgid is usually a copy-paste placeholder, not a translation.
    # Names that read the same in both languages are allowed.
    same_in_both = {"OK", "API", "URL", "PRM", "ID", "CSV", "PDF", "T", "OEM", "BPO"}
    copied = [
        e.label
        for e in messages
        if e.msgid_plural is None
        and e.msgstr.get(0) == e.msgid
        and e.msgid not in same_in_both
        and re.search(r"[A-Za-z]{3,}", e.msgid)
    ]
    assert copied == []


def test_translations_keep_every_python_format_placeholder(messages):
    broken = []
    for entry in messages:
        if entry.msgid_plural is None:
            expected = placeholders(entry.msgid)
            if "python-format" in entry.flags or expected:
                if placeholders(entry.msgstr.get(0, "")) != expected:
                    broken.append(entry.label)
        else:
            # Japanese has one plural form; it must work for the plural English text.
            named = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            expected = sorted(named)
            for text in entry.msgstr.values():
                if sorted(set(placeholders(text))) != expected:
                    broken.append(entry.label)
    assert broken == []


def test_placeholder_check_catches_a_dropped_name():
    assert placeholders("%(person)s is active again.") == ["%(person)s"]
    assert placeholders("%(person)s さんを再度有効にしました。") == ["%(person)s"]
    assert placeholders("再度有効にしました。") != placeholders("%(person)s is active again.")
    assert placeholders("100%% done") == []


@pytest.mark.parametrize(
    ("english", "japanese"),
    [
        ("Dashboard", "ダッシュボード"),
        ("Partner manager", "パートナーマネージャー"),
        ("Vendor admin", "ベンダー管理者"),
        ("Commission", "手数料"),
        ("Audit log", "監査ログ"),
        ("Sign In", "ログイン"),
    ],
)
def test_compiled_catalogue_is_used_at_run_time(english, japanese):
    with translation.override("ja"):
        assert translation.gettext(english) == japanese, "run `manage.py compilemessages`"
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_interpolated_japanese_message_renders_its_values():
    with translation.override("ja"):
        text = translation.gettext("Invitation sent to %(email)s.") % {"email": "rep@example.com"}
    assert "rep@example.com" in text
    assert "%(" not in text
