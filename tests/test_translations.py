"""The Vietnamese catalogue is complete: every message of the code and templates is translated.

`makemessages` runs into a temporary directory (the real locale/ is never written), and the
message ids it extracts are compared with locale/vi/LC_MESSAGES/django.po.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
# Not user interface: tests, tooling and generated or vendored files.
IGNORE = [
    "locale",
    "tests",
    "node_modules",
    "staticfiles",
    "static/vendor",
    "media",
    "var",
    "test-results",
    "docs",
    "scripts",
]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(text):
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {text!r}")
    out, chars = [], iter(text[1:-1])
    for ch in chars:
        out.append(_ESCAPES.get(next(chars, ""), "") if ch == "\\" else ch)
    return "".join(out)


class Entry:
    def __init__(self):
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}
        self.flags = set()
        self.obsolete = False

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translated(self):
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags


def parse_po(text):
    """Return the entries of a PO file (the header entry, msgid "", left out)."""
    entries, entry, field = [], Entry(), None

    def finish():
        nonlocal entry, field
        if entry.msgid is not None and entry.msgid != "":
            entries.append(entry)
        entry, field = Entry(), None

    for raw in text.splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue  # the previous msgid of an obsolete entry
        if not line:
            finish()
            continue
        if line.startswith("#,") and not obsolete:
            if entry.msgid is not None:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if entry.msgid is not None and field not in (None, "comment"):
                finish()
            continue
        if line.startswith('"'):
            if field is None:
                raise ValueError(f"continuation line outside an entry: {raw!r}")
            if field == "msgctxt":
                entry.msgctxt += _unquote(line)
            elif field == "msgid":
                entry.msgid += _unquote(line)
            elif field == "msgid_plural":
                entry.msgid_plural += _unquote(line)
            else:
                entry.msgstr[field] += _unquote(line)
            continue
        keyword, _sep, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and entry.msgstr:
            finish()  # a new entry without a blank line in between
        entry.obsolete = entry.obsolete or obsolete
        if keyword == "msgctxt":
            entry.msgctxt, field = _unquote(rest), "msgctxt"
        elif keyword == "msgid":
            entry.msgid, field = _unquote(rest), "msgid"
        elif keyword == "msgid_plural":
            entry.msgid_plural, field = _unquote(rest), "msgid_plural"
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            field = keyword[7:-1] if keyword != "msgstr" else "0"
            entry.msgstr[field] = _unquote(rest)
        else:
            raise ValueError(f"unexpected PO line: {raw!r}")
    finish()
    return entries


def extract_messages(root, ignore=IGNORE):
    """Run makemessages over `root` into a throw-away locale dir; return its entries.

    makemessages writes each source file's messages to the first locale path whose parent
    directory contains the file, so the temporary path is a direct child of `root`; `locale`
    is ignored so that the real catalogue is never picked up as an output.
    """
    root = Path(root)
    scratch = Path(tempfile.mkdtemp(prefix=".msgcheck-", dir=root))
    try:
        with override_settings(LOCALE_PATHS=[str(scratch)]), contextlib.chdir(root):
            call_command(
                "makemessages",
                locale=["vi"],
                domain="django",
                ignore_patterns=list(ignore),
                no_location=True,
                no_wrap=True,
                verbosity=0,
            )
        return parse_po((scratch / "vi" / "LC_MESSAGES" / "django.po").read_text("utf-8"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(root / "locale" / "django.pot")  # makemessages' scratch, if any


def _describe(keys, limit=40):
    shown = [f"  {ctx + ' | ' if ctx else ''}{msgid!r}" for ctx, msgid in sorted(keys)[:limit]]
    more = f"\n  … and {len(keys) - limit} more" if len(keys) > limit else ""
    return "\n".join(shown) + more


def _catalogue():
    assert CATALOGUE.exists(), f"{CATALOGUE.relative_to(BASE_DIR)} does not exist"
    return parse_po(CATALOGUE.read_text("utf-8"))


# --- the project's catalogue ----------------------------------------------------------------


def test_every_catalogue_entry_is_translated_and_not_fuzzy():
    live = [e for e in _catalogue() if not e.obsolete]
    untranslated = {e.key for e in live if not e.translated}
    fuzzy = {e.key for e in live if e.fuzzy}
    assert not untranslated, f"{len(untranslated)} without a translation:\n" + _describe(
        untranslated
    )
    assert not fuzzy, f"{len(fuzzy)} marked fuzzy:\n" + _describe(fuzzy)


def test_every_message_in_the_code_and_templates_is_in_the_catalogue():
    extracted = {e.key for e in extract_messages(BASE_DIR)}
    assert len(extracted) > 50  # the extraction itself worked
    present = {e.key for e in _catalogue() if not e.obsolete}
    missing = extracted - present
    assert not missing, (
        f"{len(missing)} messages missing from {CATALOGUE.relative_to(BASE_DIR)} "
        "(run `make messages`, then translate):\n" + _describe(missing)
    )


# --- the checks themselves, on tiny inputs --------------------------------------------------

TINY_PO = r"""# Vietnamese translation.
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#: a.py:1
msgid "Log in"
msgstr "Đăng nhập"

#, fuzzy
msgid "Log out"
msgstr "Đăng xuất"

msgid "Empty"
msgstr ""

msgctxt "month"
msgid "May"
msgstr "Tháng Năm"

#, python-format
msgid "One unit"
msgid_plural "%(count)s units"
msgstr[0] ""

msgid ""
"A long "
"message with \"quotes\"\n"
msgstr ""
"Một thông điệp "
"dài"

#~ msgid "Old"
#~ msgstr ""
"""


def test_the_parser_reads_flags_contexts_plurals_continuations_and_obsolete_entries():
    entries = {e.key: e for e in parse_po(TINY_PO)}
    assert set(entries) == {
        (None, "Log in"),
        (None, "Log out"),
        (None, "Empty"),
        ("month", "May"),
        (None, "One unit"),
        (None, 'A long message with "quotes"\n'),
        (None, "Old"),
    }
    assert entries[(None, "Log in")].translated and not entries[(None, "Log in")].fuzzy
    assert entries[(None, "Log out")].fuzzy
    assert not entries[(None, "Empty")].translated
    assert entries[("month", "May")].msgstr == {"0": "Tháng Năm"}
    assert entries[(None, "One unit")].msgid_plural == "%(count)s units"
    assert not entries[(None, "One unit")].translated
    assert entries[(None, "One unit")].flags == {"python-format"}
    assert entries[(None, 'A long message with "quotes"\n')].msgstr["0"] == "Một thông điệp dài"
    assert entries[(None, "Old")].obsolete
    assert not entries[(None, "Log in")].obsolete


def test_extraction_finds_python_and_template_messages_and_leaves_locale_alone(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from django.utils.translation import gettext as _, ngettext, pgettext\n"
        "A = _('Tiny message')\n"
        "B = pgettext('month', 'May')\n"
        "C = ngettext('One unit', '%(count)s units', 2)\n",
        encoding="utf-8",
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{% load i18n %}<p>{% translate 'Tiny template' %}</p>"
        "{% blocktranslate with n=1 %}Tiny {{ n }} block{% endblocktranslate %}"
        "<p>Không dịch</p>",
        encoding="utf-8",
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(
        "from django.utils.translation import gettext as _\n_('Ignored')\n"
    )
    real = tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    real.parent.mkdir(parents=True)
    real.write_text(TINY_PO, encoding="utf-8")

    keys = {e.key for e in extract_messages(tmp_path)}

    assert keys == {
        (None, "Tiny message"),
        ("month", "May"),
        (None, "One unit"),
        (None, "Tiny template"),
        (None, "Tiny %(n)s block"),
    }
    assert real.read_text(encoding="utf-8") == TINY_PO
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app", "locale", "templates", "tests"]


@pytest.mark.parametrize("bad", ['msgid "unterminated', 'nonsense "x"', '"orphan"'])
def test_the_parser_refuses_malformed_input(bad):
    with pytest.raises(ValueError):
        parse_po(bad + "\n")
