from __future__ import annotations

from pathlib import Path

import pytest

from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.errors import PemsTerminalError
from pfa_vanguard.settings import Settings


def test_from_settings_reads_credentials_and_prefers_an_explicit_url() -> None:
    settings = Settings(
        pems_url="https://eu1.eam.hxgnsmartcloud.com/axis/restservices/",
        pems_tenant="ACME_PRD",
        pems_user="svc",
        pems_password="pw",
        pems_api_key="k",
        pems_timeout_s=12,
        pems_field_map=Path("/etc/pfa/map.json"),
    )
    config = PemsConfig.from_settings(settings)
    assert config.base_url == "https://eu1.eam.hxgnsmartcloud.com/axis/restservices"
    assert (config.tenant, config.user, config.password, config.api_key) == (
        "ACME_PRD",
        "svc",
        "pw",
        "k",
    )
    assert config.timeout_s == 12
    assert config.field_map_path == Path("/etc/pfa/map.json")
    local = PemsConfig.from_settings(settings, base_url="http://127.0.0.1:8900/axis/restservices")
    assert local.base_url == "http://127.0.0.1:8900/axis/restservices"


def test_missing_or_bad_configuration_is_a_clear_terminal_error() -> None:
    with pytest.raises(PemsTerminalError, match="PFA_PEMS_URL"):
        PemsConfig.from_settings(Settings(pems_url=None))
    with pytest.raises(PemsTerminalError, match="http"):
        PemsConfig("eam.example.com/axis/restservices")
    with pytest.raises(PemsTerminalError, match="page size"):
        PemsConfig("http://x", page_size=20_000)
