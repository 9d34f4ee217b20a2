"""Streaming multipart upload: one file part goes straight to staging while hashing; the body is never held in
memory, and an oversize upload stops at the limit (or before reading anything when Content-Length says so)."""

import hashlib
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from domain.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from storage.files import FileStore, StagedFile

FORM_OVERHEAD = 64 * 1024
MAX_FIELD = 4096


@dataclass
class _Part:
    name: str = ''
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


class _UploadCollector:
    """Callbacks for python-multipart: the file part is written to disk, small fields are kept."""

    def __init__(self, files: FileStore, limit: int):
        self.files, self.limit = files, limit
        self.fields: dict[str, str] = {}
        self.staged: StagedFile | None = None
        self._part, self._header_name, self._header_value, self._headers = _Part(), b'', b'', {}
        self._out, self._digest, self._size = None, None, 0

    def callbacks(self) -> dict:
        return {
            'on_part_begin': self._begin,
            'on_header_field': lambda data, start, end: setattr(
                self, '_header_name', self._header_name + data[start:end]
            ),
            'on_header_value': lambda data, start, end: setattr(
                self, '_header_value', self._header_value + data[start:end]
            ),
            'on_header_end': self._header_end,
            'on_headers_finished': self._headers_finished,
            'on_part_data': self._data,
            'on_part_end': self._end,
        }

    def _begin(self) -> None:
        self._part, self._headers = _Part(), {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b'', b''

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b'content-disposition', b''))
        self._part.name = options.get(b'name', b'').decode('utf-8', 'replace')
        filename = options.get(b'filename')
        if filename is not None:
            if self.staged is not None or self._out is not None:
                raise InvalidInput('Send one file per upload request')
            self._part.filename = filename.decode('utf-8', 'replace')
            path = self.files.new_staging_path()
            self.staged = StagedFile(path, '', 0, self._part.filename)
            self._out, self._digest, self._size = path.open('wb'), hashlib.sha1(usedforsecurity=False), 0

    def _data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._part.filename is None:
            if len(self._part.data) + len(chunk) > MAX_FIELD:
                raise InvalidInput(f'Form field {self._part.name!r} is too long')
            self._part.data += chunk
            return
        self._size += len(chunk)
        if self._size > self.limit:
            raise PayloadTooLarge(_too_large(self.limit))
        self._digest.update(chunk)
        self._out.write(chunk)

    def _end(self) -> None:
        if self._part.filename is None:
            self.fields[self._part.name] = self._part.data.decode('utf-8', 'replace')
            return
        self._out.close()
        self._out = None
        self.staged.checksum, self.staged.size = self._digest.hexdigest(), self._size

    @property
    def complete(self) -> bool:
        return self.staged is not None and self._out is None

    def abort(self) -> None:
        if self._out is not None:
            self._out.close()
        if self.staged is not None:
            self.staged.discard()


def _unreadable(error: MultipartParseError) -> str:
    # A part's header line is at most about 4 KB: in practice only a file name reaches that.
    if 'header size' in str(error):
        return 'The file name is too long: rename the file and send it again'
    return 'The upload is not valid multipart/form-data'


def _too_large(limit: int) -> str:
    return f'The file is larger than the upload limit of {limit // 1024**2} MB'


async def receive_upload(request: Request, files: FileStore, limit: int) -> tuple[StagedFile, dict[str, str]]:
    """Read a multipart/form-data request holding one file part (any field name) and small text fields."""
    content_type, options = parse_options_header(request.headers.get('content-type', ''))
    if content_type != b'multipart/form-data' or b'boundary' not in options:
        raise UnsupportedMediaType('Send the file as multipart/form-data')
    declared = request.headers.get('content-length')
    if declared and declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise PayloadTooLarge(_too_large(limit))
    collector = _UploadCollector(files, limit)
    parser = MultipartParser(options[b'boundary'], collector.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as error:
        collector.abort()
        raise InvalidInput(_unreadable(error)) from error
    except BaseException:
        collector.abort()
        raise
    if not collector.complete:
        collector.abort()
        raise InvalidInput('The request holds no complete file')
    return collector.staged, collector.fields
