"""Every interface string has its translation in the five languages besides English.

The strings are gathered afresh from a copy of the source (scripts/messages.sh, Django's
makemessages), so a string added to a template or to Python code without a translation fails
here, as does one whose translation is marked fuzzy or lost its placeholders.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

ROOT = Path(__file__).resolve().parents[1]
# The project's own apps (whatever INSTALLED_APPS lists from this folder) and the rest.
SOURCE = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()] + [
    "config", "templates", "static", "locale", "scripts", "manage.py",
]  # fmt: skip
LANGUAGES = {"ar": "ar", "es": "es", "fr": "fr", "ru": "ru", "zh-hans": "zh_Hans"}


@pytest.fixture(scope="module")
def fresh_catalogs(tmp_path_factory) -> Path:
    """A copy of the source whose catalogs have just been brought up to date with it."""
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(src, copy / name)
    subprocess.run(
        ["bash", "scripts/messages.sh"], cwd=copy, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable, "HOME": str(copy)},
    )  # fmt: skip
    return copy


def _entries(output: str) -> list[str]:
    """The msgids of a msgattrib listing, without the header entry."""
    msgids, current = [], None
    for line in output.splitlines():
        if line.startswith("msgid "):
            current = line[len("msgid ") :].strip('"')
        elif current is not None and line.startswith('"'):
            current += line.strip('"')
        elif current is not None:
            if current:
                msgids.append(current)
            current = None
    return msgids


def _attrib(po: Path, *options: str) -> list[str]:
    result = subprocess.run(
        ["msgattrib", *options, "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return _entries(result.stdout + "\n")


def test_the_catalogs_cover_the_five_languages_besides_english():
    assert {code for code, _name in settings.LANGUAGES} == {"en", *LANGUAGES}
    for directory in LANGUAGES.values():
        assert (ROOT / "locale" / directory / "LC_MESSAGES" / "django.po").is_file(), directory


@pytest.mark.parametrize("language", LANGUAGES.values())
def test_every_interface_string_is_translated(fresh_catalogs, language):
    po = fresh_catalogs / "locale" / language / "LC_MESSAGES" / "django.po"
    untranslated = _attrib(po, "--untranslated")
    fuzzy = _attrib(po, "--only-fuzzy")
    assert not untranslated, (
        f"{len(untranslated)} string(s) lack a {language} translation: {untranslated}"
    )
    assert not fuzzy, f"{len(fuzzy)} {language} translation(s) are marked fuzzy: {fuzzy}"
    # The gathered catalog holds strings: an empty extraction would pass the checks above.
    assert len(_attrib(po, "--translated")) > 700


@pytest.mark.parametrize("language", LANGUAGES.values())
def test_the_committed_catalog_is_the_gathered_one(fresh_catalogs, language):
    """Nobody forgot to run scripts/messages.sh: the catalog in the repository already holds
    every string of the source (and no string the source no longer has)."""
    committed = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    gathered = fresh_catalogs / "locale" / language / "LC_MESSAGES" / "django.po"
    assert sorted(_attrib(committed, "--translated")) == sorted(_attrib(gathered, "--translated"))


@pytest.mark.parametrize("language", LANGUAGES.values())
def test_translations_keep_their_placeholders(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(po)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0 and not result.stderr, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_portal_speaks_each_language(language):
    """The compiled catalogs are loaded: a sentence of the portal comes back translated."""
    with translation.override(language):
        assert gettext("Skip to main content") != "Skip to main content"
        assert gettext("Safer Cities Review Portal") != "Safer Cities Review Portal"
