"""Reading a student's files into memory, safely.

Files and folders on disk: links are reported, never followed, and sizes are capped. Zips are
read in memory (one nested level) after checks against escaping paths, links, encryption and
zip bombs: nothing is extracted. Whatever cannot be read is an `UploadProblem`.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from grader.i18n import msg
from grader.intake.model import SOURCE_SUFFIXES, StudentFile, Upload, UploadProblem, is_hidden

MAX_FILE_BYTES = 20 * 2**20  # one source file or notebook (a notebook carries its plots)
MAX_ZIP_BYTES = 100 * 2**20  # what one zip may unpack to, declared sizes summed
MAX_ZIP_MEMBERS = 2000
MAX_RATIO = 200  # uncompressed / compressed size: source zips ~3-10, deflate bombs ~1000
RATIO_FROM = 2**20  # smaller members are not ratio-checked: 100 kB of spaces is fine


# -- zips --------------------------------------------------------------------------------------


def escapes(name: str) -> bool:
    """A member path that would land outside the folder it is unpacked in."""
    name = name.replace("\\", "/")
    return (name.startswith("/") or re.match(r"^[A-Za-z]:", name) is not None
            or ".." in name.split("/") or "\0" in name)


def _zip_reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
              NotImplementedError, RuntimeError, ValueError)


def _check_members(infos: list[zipfile.ZipInfo], label: str) -> None:
    """Refuse a zip before reading anything from it: too many members, too large when
    unpacked, a member compressed like a bomb, an escaping path, a link, a password."""
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UploadProblem(msg("batch_zip_too_many", file=label, count=len(infos),
                                limit=MAX_ZIP_MEMBERS))
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_BYTES:
        raise UploadProblem(msg("batch_zip_too_large", file=label, size=_mb(total),
                                limit=_mb(MAX_ZIP_BYTES)))
    for info in infos:
        if escapes(info.filename):
            raise UploadProblem(msg("batch_zip_escapes", file=label, member=info.filename))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadProblem(msg("batch_zip_link", file=label, member=info.filename))
        if info.flag_bits & 0x1:
            raise UploadProblem(msg("batch_zip_encrypted", file=label, member=info.filename))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise UploadProblem(msg("batch_zip_bomb", file=label, member=info.filename,
                                    ratio=int(ratio), limit=MAX_RATIO))


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}"


def _strip_single_top(names: list[str]) -> str:
    """The one folder every member is in ("ana_hw1/" of a zip made by macOS), else ""."""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return ""


def read_zip(data: bytes, label: str, nested: bool = True) -> list[StudentFile]:
    """The source files of a zip, read in memory after `_check_members`; a .zip inside it is
    read the same way when `nested` (one level). UploadProblem when it cannot be used."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise UploadProblem(msg("batch_zip_unreadable", file=label,
                                error=_zip_reason(exc))) from None
    with archive:
        _check_members(infos, label)
        kept = [i for i in infos if not i.is_dir()
                and not any(is_hidden(part) for part in i.filename.replace("\\", "/").split("/"))]
        if not kept:
            raise UploadProblem(msg("batch_zip_empty", file=label))
        top = _strip_single_top([i.filename.replace("\\", "/") for i in kept])
        files = []
        for info in kept:
            name = info.filename.replace("\\", "/").removeprefix(top)
            suffix = PurePosixPath(name).suffix.lower()
            if suffix not in SOURCE_SUFFIXES and not (nested and suffix == ".zip"):
                continue
            if info.file_size > MAX_FILE_BYTES:
                raise UploadProblem(msg("batch_file_too_large", file=f"{label}:{name}",
                                        size=_mb(info.file_size), limit=_mb(MAX_FILE_BYTES)))
            content = _read_member(archive, info, label)
            if suffix == ".zip":
                inner = read_zip(content, f"{label}:{name}", nested=False)
                files += [StudentFile(f"{name}/{f.name}", f.data, f.source) for f in inner]
            else:
                files.append(StudentFile(name, content, f"{label}:{name}"))
        return files


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    """A member's bytes, never more than it declares (a lying header is a bomb too)."""
    try:
        with archive.open(info) as member:
            content = member.read(info.file_size + 1)
    except ZIP_ERRORS as exc:
        raise UploadProblem(msg("batch_zip_unreadable", file=label,
                                error=f"{info.filename}: {_zip_reason(exc)}")) from None
    if len(content) != info.file_size:
        raise UploadProblem(msg("batch_zip_unreadable", file=label,
                                error=f"{info.filename}: size differs from its header"))
    return content


# -- files and folders on disk -----------------------------------------------------------------


def read_file(upload: Upload, path: Path, name: str, source: str) -> None:
    """Add one file on disk (a source file, or a zip to open) to the upload."""
    suffix = path.suffix.lower()
    if path.is_symlink():
        upload.problems.append(msg("batch_link", file=source))
        return
    limit = MAX_ZIP_BYTES if suffix == ".zip" else MAX_FILE_BYTES
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= limit else b""
    except OSError as exc:  # unreadable: permissions, a file that vanished
        upload.problems.append(msg("grader_error", message=f"{source}: {exc}"))
        return
    if size > limit:
        upload.problems.append(msg("batch_file_too_large", file=source, size=_mb(size),
                                   limit=_mb(limit)))
        return
    upload.add_input(source, data)
    if suffix != ".zip":
        upload.files.append(StudentFile(name, data, source))
        return
    try:
        upload.files += [StudentFile(f"{name}/{f.name}", f.data, f.source)
                         for f in read_zip(data, source)]
    except UploadProblem as problem:
        upload.problems.append(problem.text)


def read_folder(upload: Upload, folder: Path, label: str) -> None:
    """Every source file and zip under `folder` (links are reported, never followed)."""
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        for name in [d for d in dirs if (here / d).is_symlink()]:
            upload.problems.append(msg("batch_link", file=_join(label, here / name, folder)))
        dirs[:] = sorted(d for d in dirs if not is_hidden(d) and not (here / d).is_symlink())
        for name in sorted(names):
            path = here / name
            if is_hidden(name) or path.suffix.lower() not in (*SOURCE_SUFFIXES, ".zip"):
                continue
            relative = path.relative_to(folder).as_posix()
            read_file(upload, path, relative, _join(label, path, folder))


def _join(label: str, path: Path, folder: Path) -> str:
    return f"{label}/{path.relative_to(folder).as_posix()}"
