"""One archive holds everything the system keeps: the database and the file store.

    backup_create(target_directory) -> BackupSummary        manage.py backup
    backup_verify(archive) -> Manifest                      every checksum, nothing changed
    backup_restore(archive) -> Manifest                     manage.py restore

The archive is a gzipped tar:

    manifest.json        format, time, the migrations applied, rows per table, and
                         the size and SHA-256 of every other member
    database.exactjson   every row of every table (Django's dumpdata, JSON, times to
                         the microsecond: config/exact_json.py), but those the
                         database's triggers derive from the others (DERIVED)
    files/<name>         every file of the file store, under its storage name

and a file `<archive>.sha256` beside it (sha256sum's format) for its transport.

Why dumpdata/loaddata and not pg_dump or SQLite's backup API: one format for both
engines the system runs on (an embedded SQLite machine restores onto PostgreSQL), no
client binaries whose version must match the server's, and rows compared table by
table in the round-trip test. The cost is speed at very large sizes; a deployment
with millions of rows adds pg_dump (and WAL archiving) beside it, see README.
The file store is read and written through the storage API, so a local disk and an
S3-compatible bucket back up and restore alike.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from audit.restore import audit_table_replaceable

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.exactjson"
FILES = "files/"
CHUNK = 1024 * 1024
# Tables the database derives from others by its own triggers (the counts of guardian's
# case group rows, applications' migration 0018): not archived, and rebuilt exactly by
# the triggers as the rows they count are loaded (their archived rows loaded beside
# those would count twice, or collide).
DERIVED = frozenset({"applications.CaseGroupGrantCount"})


class BackupError(Exception):
    """The archive cannot be used: damaged, incomplete, or of another schema."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size: int
    sha256: str
    rows: int
    files: int


# --- the file store -----------------------------------------------------------------------


def stored_names(storage=None) -> list[str]:
    """Every file in the store, by its storage name, sorted (listdir, recursively)."""
    storage = storage or default_storage
    names = []
    pending = [""]
    while pending:
        directory = pending.pop()
        try:
            directories, files = storage.listdir(directory)
        except FileNotFoundError:
            continue
        prefix = f"{directory}/" if directory else ""
        names.extend(prefix + name for name in files)
        pending.extend(prefix + name for name in directories)
    return sorted(names)


def _sha256_of(stream) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def file_checksums(storage=None) -> dict[str, str]:
    storage = storage or default_storage
    checksums = {}
    for name in stored_names(storage):
        with storage.open(name, "rb") as stream:
            checksums[name] = _sha256_of(stream)[0]
    return checksums


class _HashingReader(io.RawIOBase):
    """Reads through to `stream`, hashing what passes."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size=-1):
        data = self.stream.read(size)
        self.digest.update(data)
        return data


# --- backup ----------------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.using(DEFAULT_DB_ALIAS).count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label not in DERIVED
    }


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup_create(target_directory, *, storage=None) -> BackupSummary:
    """Write a new archive into `target_directory` (atomically: a temporary name, then
    renamed) and its .sha256 beside it."""
    storage = storage or default_storage
    target_directory = Path(target_directory)
    target_directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = target_directory / f"casework-backup-{stamp}.tar.gz"
    members = {}
    descriptor, temporary = tempfile.mkstemp(dir=target_directory, prefix=".backup-", suffix=".tmp")
    os.close(descriptor)
    try:
        # One consistent picture of the database: the dump reads in one transaction.
        with tempfile.TemporaryDirectory() as directory, transaction.atomic():
            dump = Path(directory) / DATABASE
            excluded = [argument for label in sorted(DERIVED) for argument in ("--exclude", label)]
            call_command(
                "dumpdata", "--all", *excluded, "--format", "exactjson", "--output", str(dump), "--verbosity", "0"
            )
            rows = _row_counts()
            migrations = _applied_migrations()
            with tarfile.open(temporary, "w:gz") as archive:
                with dump.open("rb") as stream:
                    members[DATABASE] = _sha256_of(stream)
                archive.add(dump, arcname=DATABASE)
                for name in stored_names(storage):
                    with storage.open(name, "rb") as stream:
                        info = tarfile.TarInfo(FILES + name)
                        info.size = storage.size(name)
                        info.mode = 0o600
                        reader = _HashingReader(stream)
                        archive.addfile(info, reader)
                        members[FILES + name] = (reader.digest.hexdigest(), info.size)
                manifest = {
                    "format": FORMAT,
                    "created": timezone.now().isoformat(),
                    "engine": connection.vendor,
                    "migrations": migrations,
                    "rows": rows,
                    "members": {name: {"sha256": digest, "size": size} for name, (digest, size) in members.items()},
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    with target.open("rb") as stream:
        digest, size = _sha256_of(stream)
    (target.parent / (target.name + ".sha256")).write_text(f"{digest}  {target.name}\n", encoding="utf-8")
    return BackupSummary(path=target, size=size, sha256=digest, rows=sum(rows.values()), files=len(members) - 1)


def backups_prune(target_directory, *, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives (and their .sha256) in the directory."""
    archives = sorted(Path(target_directory).glob("casework-backup-*.tar.gz"))
    removed = archives[: max(len(archives) - keep, 0)]
    for archive in removed:
        archive.unlink()
        (archive.parent / (archive.name + ".sha256")).unlink(missing_ok=True)
    return removed


# --- verify and restore --------------------------------------------------------------------


def _read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.getmember(MANIFEST)
            manifest = json.load(archive.extractfile(member))
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"{path.name}: not a readable backup archive ({error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name}: archive format {manifest.get('format')!r}, this version reads {FORMAT}")
    return manifest


def backup_verify(path) -> dict:
    """Read the whole archive and check every member against the manifest (and the
    archive against its .sha256 when present). Raises BackupError naming the first
    difference; changes nothing."""
    path = Path(path)
    checksum_file = path.parent / (path.name + ".sha256")
    if checksum_file.exists():
        expected = checksum_file.read_text(encoding="utf-8").split()[0]
        with path.open("rb") as stream:
            if _sha256_of(stream)[0] != expected:
                raise BackupError(f"{path.name}: its SHA-256 differs from {checksum_file.name}")
    manifest = _read_manifest(path)
    expected_members = manifest["members"]
    seen = set()
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected_members or not member.isfile():
                    raise BackupError(f"{path.name}: unexpected member {member.name!r}")
                digest, size = _sha256_of(archive.extractfile(member))
                wanted = expected_members[member.name]
                if digest != wanted["sha256"] or size != wanted["size"]:
                    raise BackupError(f"{path.name}: {member.name!r} differs from its checksum")
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path.name}: damaged archive ({error})") from None
    missing = sorted(set(expected_members) - seen)
    if missing:
        raise BackupError(f"{path.name}: missing {missing[0]!r}")
    return manifest


def backup_restore(path, *, storage=None) -> dict:
    """Replace the database's rows and the file store's files by the archive's.
    Verifies the whole archive first and refuses one made under other migrations;
    the database is replaced in one transaction (all or nothing)."""
    storage = storage or default_storage
    path = Path(path)
    manifest = backup_verify(path)
    if manifest["migrations"] != _applied_migrations():
        raise BackupError(
            f"{path.name}: made under other migrations than this database has; restore it with "
            "the code version that made it (same migrations), or migrate to that state first"
        )
    with tempfile.TemporaryDirectory() as directory:
        dump = Path(directory) / DATABASE
        with tarfile.open(path, "r:gz") as archive:
            with archive.extractfile(DATABASE) as source, dump.open("wb") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Checks still pending in an enclosing transaction would forbid TRUNCATE:
                # run them now; loading then defers them again until commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # Empty every table (contenttypes and permissions too: they come back from
            # the archive with their ids), then load every row.
            with audit_table_replaceable():  # the archive's audit records replace these
                call_command("flush", "--noinput", inhibit_post_migrate=True, verbosity=0)
            call_command("loaddata", str(dump), verbosity=0)
            counts = _row_counts()
            if counts != manifest["rows"]:
                different = sorted(
                    k for k in set(counts) | set(manifest["rows"]) if counts.get(k) != manifest["rows"].get(k)
                )
                raise BackupError(f"{path.name}: rows differ after loading ({', '.join(different[:5])})")
    _restore_files(path, manifest, storage)
    return manifest


def _restore_files(path: Path, manifest: dict, storage) -> None:
    wanted = {name[len(FILES) :] for name in manifest["members"] if name.startswith(FILES)}
    for name in stored_names(storage):
        storage.delete(name)
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if not member.name.startswith(FILES):
                continue
            name = member.name[len(FILES) :]
            stored = storage.save(name, File(archive.extractfile(member), name=Path(name).name))
            if stored != name:
                raise BackupError(f"the file store renamed {name!r} to {stored!r}")
            wanted.discard(name)
    if wanted:
        raise BackupError(f"{path.name}: files not restored: {sorted(wanted)[:3]}")
