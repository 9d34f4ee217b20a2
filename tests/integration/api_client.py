"""Helpers for driving the REST API in tests: clients on the ASGI sub-app, uploads, and hand-made multipart bodies."""

import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
from fastapi import FastAPI

BOUNDARY = 'hearth-test-boundary-7d1f'
MULTIPART = f'multipart/form-data; boundary={BOUNDARY}'


def client(api: FastAPI, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """A client on the sub-app, as if it were mounted at the root. Unhandled app errors raise in the test."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url='http://test', headers=headers)


def multipart_body(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A multipart/form-data body written byte for byte: (field name, file name or None, data) per part.

    Unlike httpx's encoder, this one sends file names verbatim, control characters and all."""
    body = bytearray()
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + ('' if filename is None else f'; filename="{filename}"')
        body += f'--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n'.encode()
        if filename is not None:
            body += b'Content-Type: application/octet-stream\r\n'
        body += b'\r\n' + data + b'\r\n'
    body += f'--{BOUNDARY}--\r\n'.encode()
    return bytes(body)


async def chunked(data: bytes, size: int = 16 * 1024) -> AsyncIterator[bytes]:
    """The body as a stream of unknown length (httpx sends it with Transfer-Encoding: chunked)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def file_part(path: Path, name: str | None = None) -> tuple[str, bytes, str]:
    return name or path.name, path.read_bytes(), 'application/octet-stream'


async def upload(api_client: httpx.AsyncClient, path: Path, name: str | None = None, **fields: str) -> httpx.Response:
    return await api_client.post('/assets', files={'file': file_part(path, name)}, data=fields or None)


async def uploaded(api_client: httpx.AsyncClient, path: Path, name: str | None = None, **fields: str) -> str:
    """Upload a file that must be accepted as new; returns the asset id."""
    response = await upload(api_client, path, name, **fields)
    assert (response.status_code, response.json()['status']) == (201, 'created'), response.text
    return response.json()['id']


def sha1(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def dummy_path(path: str) -> str:
    """A route path with its parameters filled in with values that parse: a random UUID, a month."""
    return path.format_map(_Dummies())


class _Dummies(dict):
    def __missing__(self, key: str) -> str:
        return '2024-05' if key == 'month' else str(uuid.uuid4())


class MediaShelf:
    """Media files made once per test session and shared: each (maker, arguments) is synthesised once."""

    def __init__(self, folder: Path):
        self.folder, self._made = folder, {}

    def get(self, maker: Callable[..., Path], suffix: str, **kwargs) -> Path:
        key = (maker, suffix, tuple(sorted(kwargs.items())))
        if key not in self._made:
            self._made[key] = maker(self.folder / f'{len(self._made)}{suffix}', **kwargs)
        return self._made[key]
