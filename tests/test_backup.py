"""manage.py backup and restore: a round trip gives back every row and every file, a
damaged archive is refused before anything changes."""

import tarfile
from io import StringIO

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from applications.models import Attachment, Case
from config.backup import DERIVED, file_checksums
from tests.factories import make_case


def _rows() -> dict[str, list[dict]]:
    """Every row of every table, ordered by primary key."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label not in DERIVED
    }


def _differences(before: dict, after: dict) -> list[str]:
    found = []
    for label in sorted(set(before) | set(after)):
        old, new = before.get(label, []), after.get(label, [])
        if old != new:
            found.append(f"{label}: {len(old)} rows before, {len(new)} after")
    return found


@pytest.fixture
def filled(cast, case_at):
    """Cases in several states with stamped scans, plus an evidence file with a Chinese name."""
    case = case_at("submitted")
    case_at("draft")
    default_storage.save("cases/demo/说明 材料.pdf", ContentFile(b"%PDF-1.4 evidence"))
    return case


def _backup(tmp_path) -> str:
    output = StringIO()
    call_command("backup", "--output-dir", str(tmp_path / "backups"), stdout=output)
    return output.getvalue().split()[0]


def test_a_round_trip_gives_back_every_row_and_every_file(filled, cast, tmp_path):
    rows_before, files_before = _rows(), file_checksums()
    assert sum(len(rows) for rows in rows_before.values()) > 50 and len(files_before) >= 2
    archive = _backup(tmp_path)

    # Life goes on after the backup: a new case, a changed title, a file lost and one added.
    make_case(campaign=cast.campaign, applicant=cast.applicant_b, title="备份后新建")
    Case.objects.filter(pk=filled.pk).update(title="备份后改名")
    scan = Attachment.objects.filter(case=filled).first()
    default_storage.delete(scan.file.name)
    default_storage.save("stray/后来的.bin", ContentFile(b"x"))

    output = StringIO()
    call_command("restore", archive, "--yes", stdout=output)
    assert output.getvalue().startswith("restored ")

    assert _differences(rows_before, _rows()) == []
    assert file_checksums() == files_before
    # The tables the triggers derive, not archived, rebuilt exactly as the rows loaded.
    from tests.workflow.test_grant_counts import assert_counts_exact

    assert_counts_exact()


def test_restore_asks_for_confirmation(filled, tmp_path):
    archive = _backup(tmp_path)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", archive)
    output = StringIO()
    call_command("restore", archive, "--verify-only", stdout=output)
    assert "intact" in output.getvalue()


def test_a_damaged_archive_is_refused_before_anything_changes(filled, cast, tmp_path):
    archive = _backup(tmp_path)
    # One file of the store changed inside the archive, the archive's own checksum file gone.
    (tmp_path / "backups").joinpath(archive.rsplit("/", 1)[1] + ".sha256").unlink()
    members = []
    with tarfile.open(archive, "r:gz") as source:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("files/cases/demo/"):
                data = data.replace(b"evidence", b"tampered")
            members.append((member, data))
    with tarfile.open(archive, "w:gz") as target:
        for member, data in members:
            target.addfile(member, __import__("io").BytesIO(data))
    make_case(campaign=cast.campaign, applicant=cast.applicant_b, title="备份后新建")
    rows = _rows()

    with pytest.raises(CommandError, match="differs from its checksum"):
        call_command("restore", archive, "--yes")
    assert _differences(rows, _rows()) == []


def test_an_archive_with_a_different_checksum_file_is_refused(filled, tmp_path):
    archive = _backup(tmp_path)
    checksum = tmp_path / "backups" / (archive.rsplit("/", 1)[1] + ".sha256")
    checksum.write_text("0" * 64 + "  x\n")
    with pytest.raises(CommandError, match="SHA-256 differs"):
        call_command("restore", archive, "--verify-only")


def test_old_archives_are_pruned(filled, tmp_path, monkeypatch):
    directory = tmp_path / "backups"
    directory.mkdir()
    for stamp in ("20260101-000000", "20260102-000000", "20260103-000000"):
        (directory / f"casework-backup-{stamp}.tar.gz").write_bytes(b"")
        (directory / f"casework-backup-{stamp}.tar.gz.sha256").write_text("")
    call_command("backup", "--output-dir", str(directory), "--keep", "2", stdout=StringIO())
    kept = sorted(path.name for path in directory.glob("*.tar.gz"))
    assert len(kept) == 2 and kept[0] == "casework-backup-20260103-000000.tar.gz"


def test_the_audit_log_comes_back_and_stays_append_only(cast, tmp_path):
    """Restore replaces the audit records too (the table's trigger set aside for the flush
    only): afterwards a young record is refused deletion as before."""
    import audit
    from audit.models import AuditRecord

    audit.record(action="auth.login", actor=cast.province_admin)
    kept = list(AuditRecord.objects.order_by("seq").values())
    archive = _backup(tmp_path)
    audit.record(action="auth.logout", actor=cast.province_admin)  # after the backup: gone again

    call_command("restore", archive, "--yes", stdout=StringIO())

    assert list(AuditRecord.objects.order_by("seq").values()) == kept
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.count() == len(kept)
