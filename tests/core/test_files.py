"""The one safe-filename rule, the filename builder and the atomic write (core.files)."""

import os
import stat

import pytest

from core.files import MAX_FILENAME_BYTES, atomic_write, build_filename, safe_filename, write_atomically


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("宣传片.mp4", "宣传片.mp4"),
        # Path separators and what would climb out of a folder.
        ("../../secret.pdf", "secret.pdf"),
        ("..\\..\\Windows\\system.ini", "Windowssystem.ini"),
        ('a/b\\c:d*e?f"g<h>i|j.png', "abcdefghij.png"),
        # Hidden or dot-only names.
        ("  .hidden  ", "hidden"),
        ("...", "佐证材料"),
        ("..pdf", "pdf"),
        # Control characters: line breaks and tabs read as spaces, the others go, and so
        # do C1 controls and the bidirectional overrides that disguise an extension.
        ("line\nbreak\tname.docx", "line break name.docx"),
        ("\x00\x1f.pdf", "pdf"),
        ("报告\x7f\x85\x9f.pdf", "报告.pdf"),
        ("照片\u202egpj.exe", "照片gpj.exe"),
        # Device names Windows keeps, whatever their case and extension.
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("Lpt1.tar.gz", "_Lpt1.tar.gz"),
        ("console.txt", "console.txt"),
        ("", "佐证材料"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name, max_length=80, fallback="佐证材料") == expected


def test_safe_filename_counts_characters_and_bytes_and_keeps_the_extension():
    assert safe_filename("长" * 200 + ".mp4", max_length=80, fallback="x") == "长" * 76 + ".mp4"
    # 150 Chinese characters would be 450 bytes: too long for most file systems.
    name = safe_filename("长" * 200 + ".mp4", fallback="x")
    assert name.endswith("长.mp4") and len(name.encode()) <= MAX_FILENAME_BYTES
    assert name == "长" * ((MAX_FILENAME_BYTES - 4) // 3) + ".mp4"
    # Never cut inside a character, whatever its width in UTF-8.
    mixed = safe_filename("a长" * 200 + ".pdf", fallback="x")
    assert len(mixed.encode()) <= MAX_FILENAME_BYTES and mixed.endswith(".pdf")
    mixed.encode().decode("utf-8")


def test_safe_filename_normalises_to_nfc():
    decomposed = "Cafe\u0301.pdf"
    assert safe_filename(decomposed, fallback="x") == "Caf\u00e9.pdf"


def test_build_filename_joins_cleaned_parts_with_the_extension_in_lower_case():
    title = "吉林省2024年广播电视媒体融合典型案例推荐排序表"
    assert build_filename(title, "长春市文广旅局", extension=".PDF", fallback="x") == f"{title}-长春市文广旅局.pdf"
    odd = '  长白山/开发区:"工委"*宣传部?. '
    assert build_filename(title, odd, extension="xlsx", fallback="x") == f"{title}-长白山开发区工委宣传部.xlsx"
    assert build_filename("...", extension="pdf", fallback="ranking") == "ranking.pdf"
    assert build_filename("nul", extension="zip", fallback="x") == "_nul.zip"
    long = build_filename("表" * 40, "长" * 100 + ".", extension="docx", fallback="x")
    assert len(long) <= 150 and len(long.encode()) <= MAX_FILENAME_BYTES and long.endswith("长.docx")


def test_atomic_write_replaces_the_target_as_an_ordinary_file(tmp_path):
    target = tmp_path / "名单.pdf"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [path.name for path in tmp_path.iterdir()] == ["名单.pdf"]


def test_atomic_write_leaves_nothing_and_the_target_untouched_on_error(tmp_path):
    target = tmp_path / "package.zip"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_write(target) as stream:
        stream.write(b"half")
        raise RuntimeError("the disk is full")
    assert target.read_bytes() == b"previous"
    assert [path.name for path in tmp_path.iterdir()] == ["package.zip"]


def test_atomic_write_takes_a_name_as_long_as_the_rule_allows(tmp_path):
    target = tmp_path / safe_filename("长" * 200 + ".pdf", fallback="x")
    write_atomically(target, b"%PDF")
    assert target.read_bytes() == b"%PDF"
