"""The CSV layouts of secure web gateways, as data: which column holds which field. Pure.

These exports have no header line, so a layout names its columns by position
(docs/discovery-logs.md shows each, with a sample line). A layout is ``open_ended`` when the
vendor adds columns at the end in newer versions: a line must have at least the layout's
columns, and more are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from aitower.discovery.logscan_fields import ColumnMapping


@dataclass(frozen=True, slots=True)
class GatewayLayout:
    name: str
    title: str
    columns: tuple[str, ...]  # the documented columns, in order
    mapping: ColumnMapping  # fields -> names among ``columns``
    delimiter: str = ","
    open_ended: bool = True


ZSCALER_NSS_WEB = GatewayLayout(
    name="zscaler-nss-web",
    title="Zscaler NSS web log feed (CSV, the field order of Zscaler's sample web log)",
    columns=(
        "time", "login", "proto", "eurl", "action", "appname", "appclass", "reqsize",
        "respsize", "stime", "ctime", "urlclass", "urlsupercat", "urlcat", "malwarecat",
        "threatname", "riskscore", "dlpeng", "dlpdict", "location", "dept", "cip", "sip",
        "reqmethod", "respcode", "ua", "ereferer", "ruletype", "rulelabel", "contenttype",
        "unscannabletype", "deviceowner", "devicehostname", "keyprotectiontype",
    ),
    mapping=ColumnMapping(
        timestamp="time", url="eurl", user="login", client="cip", department="dept",
        bytes_out="reqsize", bytes_in="respsize",
    ),
)  # fmt: skip

UMBRELLA_PROXY = GatewayLayout(
    name="umbrella-proxy",
    title="Cisco Umbrella proxy log (CSV export to S3)",
    columns=(
        "Timestamp", "Identities", "Internal IP", "External IP", "Destination IP",
        "Content Type", "Verdict", "URL", "Referer", "userAgent", "statusCode", "requestSize",
        "responseSize", "responseBodySize",
    ),
    mapping=ColumnMapping(
        timestamp="Timestamp", url="URL", user="Identities", client="Internal IP",
        bytes_out="requestSize", bytes_in="responseSize",
    ),
)  # fmt: skip

PANOS_URL = GatewayLayout(
    name="panos-url",
    title="Palo Alto Networks PAN-OS URL filtering log (CSV, syslog field order)",
    columns=(
        "FUTURE_USE", "Receive Time", "Serial Number", "Type", "Threat/Content Type",
        "FUTURE_USE_2", "Generated Time", "Source Address", "Destination Address",
        "NAT Source IP", "NAT Destination IP", "Rule Name", "Source User", "Destination User",
        "Application", "Virtual System", "Source Zone", "Destination Zone", "Inbound Interface",
        "Outbound Interface", "Log Action", "FUTURE_USE_3", "Session ID", "Repeat Count",
        "Source Port", "Destination Port", "NAT Source Port", "NAT Destination Port", "Flags",
        "IP Protocol", "Action", "URL/Filename", "Threat ID", "Category",
    ),
    mapping=ColumnMapping(
        timestamp="Generated Time", url="URL/Filename", user="Source User",
        client="Source Address",
    ),
)  # fmt: skip

GATEWAYS = {layout.name: layout for layout in (ZSCALER_NSS_WEB, UMBRELLA_PROXY, PANOS_URL)}
