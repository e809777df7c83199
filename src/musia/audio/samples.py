"""The sample library: an index of the audio files under folders, kept in one SQLite file.

`SampleIndex.update(folder)` walks the folder (recursively), and for every audio file compares
its size and modification time with the index: the same → untouched; different → its content
hash (SHA-256) decides whether it changed (a copy or a `touch` keeps its analysis). Changed and
new files are analysed (`sample_analysis`); a file Musia cannot read is kept as `skipped` with the
reason, so the next run does not try it again until it changes; a file that is gone is removed.
Each file is committed on its own, so an interrupted run keeps what it did.

The index is a CLI-side convenience (the web service keeps its own table): `$MUSIA_DATA_DIR/
samples.sqlite`, else `~/.local/share/musia/samples.sqlite` ($XDG_DATA_HOME is honoured).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musia.audio.sample_analysis import SampleRecord, analyze_sample
from musia.audio.sample_search import SampleQuery, matches, rank
from musia.errors import FileFormatError, InvalidInput, MusiaError

AUDIO_SUFFIXES = frozenset({".wav", ".wave", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff"})
SCHEMA_VERSION = "1"
_COLUMNS = (
    "path", "root", "size_bytes", "mtime_ns", "sha256", "status", "reason", "name", "kind",
    "class_name", "class_confidence", "class_source", "audio_class", "name_class", "instrument",
    "duration_s", "sample_rate", "channels", "loudness_lufs", "peak_dbfs", "bpm", "bpm_source",
    "key_tonic_pc", "key_mode", "key_confidence", "tags", "indexed_at",
)  # fmt: skip
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS samples (path TEXT PRIMARY KEY, {", ".join(_COLUMNS[1:])});
CREATE INDEX IF NOT EXISTS samples_root ON samples (root);
"""


def default_index_path() -> Path:
    explicit = os.environ.get("MUSIA_DATA_DIR")
    if explicit:
        return Path(explicit) / "samples.sqlite"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "musia" / "samples.sqlite"


@dataclass
class IndexReport:
    root: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # path -> reason, analysed this run

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped.items()],
        }


class SampleIndex:
    """An open index file; use as a context manager, or call `close`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_index_path()
        if self.path.is_dir():
            raise InvalidInput(f"the index {self.path} is a folder, not a file", field="index")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path)
            self.db.row_factory = sqlite3.Row
            self.db.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise FileFormatError(
                f"{self.path} is not a Musia sample index ({exc}); pass another --index",
                field="index",
            ) from exc

    def __enter__(self) -> SampleIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _check_version(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self.db.commit()
        elif row["value"] != SCHEMA_VERSION:
            raise FileFormatError(
                f"{self.path} was written by another version of Musia (schema {row['value']})",
                field="index",
            )

    def update(self, folder: Path, progress: Callable[[str], None] | None = None) -> IndexReport:
        """Bring the index up to date with the audio files under `folder`."""
        root = _folder(folder)
        report = IndexReport(str(root))
        # Every row under the folder, whichever folder indexed it: indexing a library and then
        # one of its subfolders (or the other way round) analyses nothing twice.
        prefix = os.path.join(str(root), "")
        known = {
            r["path"]: r
            for r in self.db.execute(
                "SELECT * FROM samples WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
            )
        }
        seen: set[str] = set()
        for path in _audio_files(root):
            key = str(path)
            seen.add(key)
            if progress:
                progress(path.name)
            self._refresh(path, root, known.get(key), report)
        for gone in sorted(set(known) - seen):
            self.db.execute("DELETE FROM samples WHERE path = ?", (gone,))
            report.removed.append(gone)
        self.db.commit()
        return report

    def _refresh(
        self, path: Path, root: Path, old: sqlite3.Row | None, report: IndexReport
    ) -> None:
        try:
            stat = path.stat()
        except OSError:
            return  # vanished while we walked: the next run removes it
        if old is not None and (old["size_bytes"], old["mtime_ns"]) == (
            stat.st_size,
            stat.st_mtime_ns,
        ):
            report.unchanged += 1
            return
        digest = _sha256(path)
        if old is not None and old["sha256"] == digest:
            self.db.execute(
                "UPDATE samples SET size_bytes = ?, mtime_ns = ? WHERE path = ?",
                (stat.st_size, stat.st_mtime_ns, str(path)),
            )
            self.db.commit()
            report.unchanged += 1
            return
        row = {
            "path": str(path),
            "root": str(root),
            "size_bytes": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": digest,
            "indexed_at": time.time(),
        }
        try:
            record = analyze_sample(path, root)
        except (MusiaError, OSError, ValueError, MemoryError) as exc:
            reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            row |= {"status": "skipped", "reason": reason, "name": path.name}
            report.skipped[str(path)] = reason
        else:
            row |= _record_row(record)
            (report.updated if old is not None else report.added).append(str(path))
        self._store(row)

    def _store(self, row: dict[str, Any]) -> None:
        values = [row.get(column) for column in _COLUMNS]
        marks = ", ".join("?" for _ in _COLUMNS)
        self.db.execute(f"INSERT OR REPLACE INTO samples VALUES ({marks})", values)
        self.db.commit()

    def rows(self, *, include_skipped: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT * FROM samples" + ("" if include_skipped else " WHERE status = 'ok'")
        return [_decoded(dict(r)) for r in self.db.execute(sql + " ORDER BY path")]

    def skipped(self) -> list[dict[str, Any]]:
        return [r for r in self.rows(include_skipped=True) if r["status"] == "skipped"]

    def search(self, query: SampleQuery) -> list[dict[str, Any]]:
        return rank(query, [r for r in self.rows() if matches(query, r)])


def _folder(folder: Path) -> Path:
    path = Path(folder).expanduser()
    if not path.exists():
        raise InvalidInput(f"no such folder: {folder}", field="folder")
    if not path.is_dir():
        raise InvalidInput(f"{folder} is not a folder", field="folder")
    return path.resolve()


def _audio_files(root: Path) -> Iterator[Path]:
    """Audio files under `root` by suffix, sorted, hidden files and folders left out (a
    half-written `.name-….tmp` of ours among them); symlinked folders are not followed."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if not name.startswith(".") and path.suffix.lower() in AUDIO_SUFFIXES:
                yield path


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _record_row(record: SampleRecord) -> dict[str, Any]:
    body = record.to_dict()
    body.pop("key_name")
    body["tags"] = json.dumps(record.tags, ensure_ascii=False)
    return body | {"status": "ok", "reason": None}


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    from musia.audio.sample_analysis import key_name

    tags = row.get("tags")
    row["tags"] = " ".join(json.loads(tags)) if tags else ""
    row["key_name"] = key_name(row.get("key_tonic_pc"), row.get("key_mode"))
    return row
