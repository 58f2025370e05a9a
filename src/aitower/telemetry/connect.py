"""How an application connects to aitower: the endpoints, the header, the service name and a
snippet for each common way to instrument, generated in one place.

The "Connect an app" page renders these snippets for the server's own URL, and
``docs/telemetry.md`` holds the same snippets rendered for a fixed URL and key placeholder;
``tests/docs/test_connect_doc.py`` renders them again and checks the document contains them, so
the page and the document cannot drift apart.

Pure functions of the settings: no HTTP, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

KEY_PLACEHOLDER = "<your-ingest-key>"
SERVICE_PLACEHOLDER = "<your-service-name>"
DEFAULT_GRPC_PORT = 4317  # the OTLP/gRPC port of the OpenTelemetry Collector, by convention
HEADER = "x-api-key"


@dataclass(frozen=True, slots=True)
class ConnectSettings:
    """Where the app sends, with what key, and as which service."""

    base_url: str  # the server's base URL as the app reaches it, e.g. https://aitower.example.com
    grpc_port: int  # 0: OTLP/gRPC is off
    key: str = KEY_PLACEHOLDER
    service_name: str = SERVICE_PLACEHOLDER

    @property
    def base(self) -> str:
        """The base URL without its trailing slash (exporters append ``/v1/traces``)."""
        return self.base_url.rstrip("/")

    @property
    def traces_url(self) -> str:
        return f"{self.base}/v1/traces"

    @property
    def grpc_endpoint(self) -> str | None:
        """``scheme://host:port`` of the OTLP/gRPC listener, None when it is off."""
        if not self.grpc_port:
            return None
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.hostname}:{self.grpc_port}"

    @property
    def plaintext(self) -> bool:
        return urlsplit(self.base_url).scheme == "http"


@dataclass(frozen=True, slots=True)
class Snippet:
    slug: str
    title: str
    language: str  # sh, python, javascript, yaml: the fence of the doc's code block
    text: str
    note: str = ""

    def fenced(self) -> str:
        """The snippet as the Markdown code block the doc holds."""
        return f"```{self.language}\n{self.text}\n```"


def env_block(s: ConnectSettings, *, grpc: bool = False) -> str:
    """The standard exporter environment: what every OpenTelemetry SDK reads."""
    endpoint, protocol = s.base, "http/protobuf"
    if grpc and s.grpc_endpoint is not None:
        endpoint, protocol = s.grpc_endpoint, "grpc"
    return "\n".join(
        (
            f"OTEL_SERVICE_NAME={s.service_name}",
            f"OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}",
            f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol}",
            f"OTEL_EXPORTER_OTLP_HEADERS={HEADER}={s.key}",
        )
    )


def _exported(block: str) -> str:
    """The block as shell exports, each value quoted (placeholders hold ``<`` and ``>``)."""
    lines = (line.split("=", 1) for line in block.splitlines())
    return "\n".join(f'export {name}="{value}"' for name, value in lines)


def _zero_code(s: ConnectSettings) -> Snippet:
    text = "\n".join(
        (
            "pip install opentelemetry-distro opentelemetry-exporter-otlp",
            "opentelemetry-bootstrap -a install  # instrumentations for the installed libraries",
            _exported(env_block(s)),
            "opentelemetry-instrument python app.py",
        )
    )
    return Snippet(
        "python-zero-code",
        "Python, zero-code (opentelemetry-instrument)",
        "sh",
        text,
        "The protocol line matters: without it the exporter speaks gRPC.",
    )


def _zero_code_grpc(s: ConnectSettings) -> Snippet | None:
    if s.grpc_endpoint is None:
        return None
    return Snippet(
        "grpc-env",
        "Any SDK over OTLP/gRPC",
        "sh",
        _exported(env_block(s, grpc=True)),
        "The same variables with the gRPC endpoint, for SDKs and agents that prefer gRPC.",
    )


def _provider(s: ConnectSettings) -> str:
    return "\n".join(
        (
            "from opentelemetry import trace",
            "from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter",
            "from opentelemetry.sdk.resources import Resource",
            "from opentelemetry.sdk.trace import TracerProvider",
            "from opentelemetry.sdk.trace.export import BatchSpanProcessor",
            "",
            f'resource = Resource.create({{"service.name": "{s.service_name}"}})',
            "provider = TracerProvider(resource=resource)",
            "exporter = OTLPSpanExporter(",
            f'    endpoint="{s.traces_url}",',
            f'    headers={{"{HEADER}": "{s.key}"}},',
            ")",
            "provider.add_span_processor(BatchSpanProcessor(exporter))",
            "trace.set_tracer_provider(provider)",
        )
    )


def _python_sdk(s: ConnectSettings) -> Snippet:
    text = "# pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http\n" + _provider(s)
    return Snippet("python-sdk", "Python, in code (SDK and OTLP exporter)", "python", text)


def _node(s: ConnectSettings) -> Snippet:
    text = "\n".join(
        (
            "// npm install @opentelemetry/sdk-node @opentelemetry/exporter-trace-otlp-proto \\",
            "//   @opentelemetry/auto-instrumentations-node",
            'const { NodeSDK } = require("@opentelemetry/sdk-node");',
            'const { OTLPTraceExporter } = require("@opentelemetry/exporter-trace-otlp-proto");',
            "const {",
            "  getNodeAutoInstrumentations,",
            '} = require("@opentelemetry/auto-instrumentations-node");',
            "",
            "const sdk = new NodeSDK({",
            f'  serviceName: "{s.service_name}",',
            "  traceExporter: new OTLPTraceExporter({",
            f'    url: "{s.traces_url}",',
            f'    headers: {{ "{HEADER}": "{s.key}" }},',
            "  }),",
            "  instrumentations: [getNodeAutoInstrumentations()],",
            "});",
            "sdk.start();",
        )
    )
    return Snippet("nodejs", "Node.js", "javascript", text)


def _openllmetry(s: ConnectSettings) -> Snippet:
    text = "\n".join(
        (
            "# pip install traceloop-sdk",
            "from traceloop.sdk import Traceloop",
            "",
            "Traceloop.init(",
            f'    app_name="{s.service_name}",  # becomes service.name',
            f'    api_endpoint="{s.base}",  # Traceloop appends /v1/traces',
            f'    headers={{"{HEADER}": "{s.key}"}},',
            ")",
        )
    )
    return Snippet("openllmetry", "OpenLLMetry (traceloop-sdk)", "python", text)


def _openinference(s: ConnectSettings) -> Snippet:
    text = "\n".join(
        (
            "# pip install openinference-instrumentation-openai opentelemetry-sdk \\",
            "#   opentelemetry-exporter-otlp-proto-http",
            "from openinference.instrumentation.openai import OpenAIInstrumentor",
            _provider(s),
            "",
            "OpenAIInstrumentor().instrument(tracer_provider=provider)",
        )
    )
    return Snippet("openinference", "OpenInference (Arize)", "python", text)


def _collector(s: ConnectSettings) -> Snippet:
    lines = [
        "exporters:",
        "  otlphttp/aitower:",
        f"    endpoint: {s.base}  # the exporter appends /v1/traces",
        "    headers:",
        f'      {HEADER}: "{s.key}"',
    ]
    chosen = "otlphttp/aitower"
    if s.grpc_endpoint is not None:
        host = s.grpc_endpoint.split("://", 1)[1]
        lines += ["  otlp/aitower:  # the same over gRPC", f"    endpoint: {host}"]
        if s.plaintext:
            lines += ["    tls:", "      insecure: true"]
        lines += ["    headers:", f'      {HEADER}: "{s.key}"']
    lines += [
        "service:",
        "  pipelines:",
        "    traces:",
        "      receivers: [otlp]",
        f"      exporters: [{chosen}]",
    ]
    return Snippet(
        "collector",
        "OpenTelemetry Collector",
        "yaml",
        "\n".join(lines),
        "Added to an existing collector configuration (with its otlp receiver): the apps keep "
        "sending to their collector with their own service.name, the collector forwards here.",
    )


def snippets(s: ConnectSettings) -> list[Snippet]:
    """Every snippet, in the order the page and the document show them."""
    found = [
        _zero_code(s),
        _zero_code_grpc(s),
        _python_sdk(s),
        _node(s),
        _openllmetry(s),
        _openinference(s),
        _collector(s),
    ]
    return [snippet for snippet in found if snippet is not None]


# The fixed settings the document's snippets are rendered for.
DOC_SETTINGS = ConnectSettings("https://aitower.example.com", DEFAULT_GRPC_PORT)


def doc_section(s: ConnectSettings = DOC_SETTINGS) -> str:
    """The snippets as the document shows them: a heading and a code block each."""
    parts = []
    for snippet in snippets(s):
        parts.append(f"### {snippet.title}\n")
        if snippet.note:
            parts.append(f"{snippet.note}\n")
        parts.append(f"{snippet.fenced()}\n")
    return "\n".join(parts)
