"""Instance settings, read once from the environment (and the CLI for host/port)."""

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    host: str = '0.0.0.0'
    port: int = 8080
    max_upload_bytes: int = 2 * 1024**3
    trash_retention_days: int = 30
    login_attempts: int = 5
    login_window_seconds: int = 300
    storage_secret: str = field(default='', repr=False)
    chroma_url: str | None = None  # a Chroma server for face vectors; by default they are kept in the data folder
    face_workers: int = 2  # worker processes for faces; each holds the model (about 330 MB)
    search_workers: int = 1  # worker processes reading photos for search (labels and text in the same ones)
    map_tiles: str | None = None  # street-level detail: an http(s) tile URL template or a local .mbtiles archive
    map_attribution: str = ''  # credit for those tiles, shown on the map
    secure_cookies: bool = False  # Hearth is reached over https (a TLS proxy): the session cookie is marked Secure
    trusted_proxies: tuple[str, ...] = ()  # networks of reverse proxies whose X-Forwarded-For names the client
    upload_slots: int = 2  # uploads processed at once (rendered and stored); a few more wait, beyond them 503
    render_workers: int = 2  # low-priority processes rendering uploads; 0: in the web app's own threads

    @property
    def media_dir(self) -> Path:
        return self.data_dir / 'media'

    @property
    def vector_dir(self) -> Path:
        return self.data_dir / 'vectors'

    @property
    def models_dir(self) -> Path:
        """Where face model weights are put in place from their installed packages."""
        return self.data_dir / 'models'

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / 'tmp'

    def ensure_folders(self) -> None:
        for folder in (self.data_dir, self.media_dir, self.vector_dir, self.tmp_dir):
            folder.mkdir(parents=True, exist_ok=True)


def load_settings(host: str | None = None, port: int | None = None) -> Settings:
    data_dir = Path(os.environ.get('HEARTH_DATA', 'data')).resolve()
    default_db = f'sqlite+aiosqlite:///{data_dir / "hearth.db"}'
    return Settings(
        data_dir=data_dir,
        database_url=os.environ.get('DATABASE_URL', default_db),
        host=host or os.environ.get('HEARTH_HOST', '0.0.0.0'),
        port=port or int(os.environ.get('HEARTH_PORT', '8080')),
        max_upload_bytes=int(os.environ.get('HEARTH_MAX_UPLOAD_MB', '2048')) * 1024**2,
        trash_retention_days=int(os.environ.get('HEARTH_TRASH_DAYS', '30')),
        storage_secret=_storage_secret(data_dir),
        chroma_url=os.environ.get('HEARTH_CHROMA_URL') or None,
        face_workers=int(os.environ.get('HEARTH_FACE_WORKERS', '2')),
        search_workers=int(os.environ.get('HEARTH_SEARCH_WORKERS', '1')),
        map_tiles=os.environ.get('HEARTH_MAP_TILES') or None,
        map_attribution=os.environ.get('HEARTH_MAP_ATTRIBUTION', ''),
        secure_cookies=os.environ.get('HEARTH_SECURE_COOKIES', '').lower() in {'1', 'true', 'yes'},
        trusted_proxies=_networks(os.environ.get('HEARTH_TRUSTED_PROXIES', '')),
        upload_slots=int(os.environ.get('HEARTH_UPLOAD_SLOTS', '2')),
        render_workers=int(os.environ.get('HEARTH_RENDER_WORKERS', '2')),
    )


def _networks(listed: str) -> tuple[str, ...]:
    """Comma-separated addresses and CIDR networks, checked here so that a typo stops the start, not trust."""
    return tuple(str(ipaddress.ip_network(item.strip(), strict=False)) for item in listed.split(',') if item.strip())


def _storage_secret(data_dir: Path) -> str:
    """A per-instance secret kept in the data folder, so sessions survive restarts without configuration."""
    if secret := os.environ.get('HEARTH_SECRET'):
        return secret
    path = data_dir / 'secret.key'
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()
