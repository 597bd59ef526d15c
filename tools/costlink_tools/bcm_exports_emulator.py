"""Local BCM Data Exports and legacy Cost and Usage Report services: no AWS emulator (moto, LocalStack) implements
them, and the verifier reads export, execution and report status from them. Each speaks the real AWS JSON 1.1 protocol
of its service model (target prefixes AWSBillingAndCostManagementDataExports and AWSOrigamiServiceGatewayService,
ISO-8601 timestamps where the model says so, `__type` errors), so the real SDK clients talk to them unmodified.
Covered: GetExport, ListExports, ListExecutions, GetExecution; DescribeReportDefinitions. Signed requests are accepted
without verifying their signatures. Tests configure them in Python: add exports, executions and reports, or throttle.
"""
from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer



def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class _Export:
    arn: str
    name: str
    table: str
    bucket: str
    prefix: str
    status: str
    reason: str | None
    created: datetime
    refreshed: datetime
    executions: list = field(default_factory=list)

    def body(self):
        return {"ExportArn": self.arn, "Name": self.name,
                "DataQuery": {"QueryStatement": f"SELECT * FROM {self.table}", "TableConfigurations": {}},
                "DestinationConfigurations": {"S3Destination": {
                    "S3Bucket": self.bucket, "S3Prefix": self.prefix, "S3Region": "us-east-1",
                    "S3OutputConfigurations": {"OutputType": "CUSTOM", "Format": "PARQUET", "Compression": "PARQUET",
                                               "Overwrite": "OVERWRITE_REPORT"}}},
                "RefreshCadence": {"Frequency": "SYNCHRONOUS"}}

    def status_body(self):
        out = {"StatusCode": self.status, "CreatedAt": iso(self.created), "LastUpdatedAt": iso(self.refreshed),
               "LastRefreshedAt": iso(self.refreshed)}
        if self.reason:
            out["StatusReason"] = self.reason
        return out


class ServiceError(Exception):
    def __init__(self, status: int, type_: str, message: str):
        super().__init__(message)
        self.status, self.type, self.message = status, type_, message


class _Json11Service:
    """An HTTP server on 127.0.0.1 answering one AWS JSON 1.1 service: `operations` maps names to handlers."""
    target_prefix = ""

    def __init__(self):
        self.throttles: dict[str, int] = {}
        self.calls: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                target = self.headers.get("X-Amz-Target", "")
                try:
                    if not target.startswith(service.target_prefix):
                        raise ServiceError(400, "UnknownOperationException", f"unknown target {target!r}")
                    result = service.dispatch(target[len(service.target_prefix):], json.loads(raw or b"{}"))
                    status, payload, headers = 200, result, {}
                except ServiceError as e:
                    status, payload = e.status, {"__type": e.type, "message": e.message}
                    headers = {"x-amzn-ErrorType": e.type}
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def operations(self) -> dict:
        raise NotImplementedError

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def throttle(self, operation: str, times: int):
        self.throttles[operation] = times

    def dispatch(self, operation: str, request: dict) -> dict:
        self.calls.append(operation)
        if self.throttles.get(operation, 0) > 0:
            self.throttles[operation] -= 1
            raise ServiceError(400, "ThrottlingException", "Rate exceeded")
        handler = self.operations().get(operation)
        if handler is None:
            raise ServiceError(400, "UnknownOperationException", f"{operation} is not emulated")
        return handler(request)


class BcmExportsEmulator(_Json11Service):
    target_prefix = "AWSBillingAndCostManagementDataExports."

    def __init__(self, page_size: int = 2):
        super().__init__()
        self.page_size = page_size
        self.exports: dict[str, _Export] = {}

    def operations(self) -> dict:
        return {"GetExport": self._get_export, "ListExports": self._list_exports,
                "ListExecutions": self._list_executions, "GetExecution": self._get_execution}

    # ------------------------------------------------------------------ configuration by tests
    def add_export(self, name: str, account: str, table: str = "COST_AND_USAGE_REPORT", bucket: str = "b",
                   prefix: str = "reports/cur2", status: str = "HEALTHY", reason: str | None = None,
                   created: datetime | None = None, refreshed: datetime | None = None) -> str:
        arn = f"arn:aws:bcm-data-exports:us-east-1:{account}:export/{name}-{uuid.uuid4()}"
        now = datetime.now(timezone.utc)
        self.exports[arn] = _Export(arn, name, table, bucket, prefix, status, reason, created or now, refreshed or now)
        return arn

    def add_execution(self, export_arn: str, status: str = "DELIVERY_SUCCESS", reason: str | None = None,
                      created: datetime | None = None) -> str:
        execution_id = str(uuid.uuid4())
        self.exports[export_arn].executions.append((execution_id, status, reason, created or datetime.now(timezone.utc)))
        return execution_id

    # ------------------------------------------------------------------ the service
    def _export(self, arn) -> _Export:
        if not arn:
            raise ServiceError(400, "ValidationException", "ExportArn is required")
        if arn not in self.exports:
            raise ServiceError(400, "ResourceNotFoundException", f"export {arn} not found")
        return self.exports[arn]

    def _page(self, items: list, request: dict, key: str) -> dict:
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or self.page_size)
        out = {key: items[start:start + size]}
        if start + size < len(items):
            out["NextToken"] = str(start + size)
        return out

    def _get_export(self, request):
        e = self._export(request.get("ExportArn"))
        return {"Export": e.body(), "ExportStatus": e.status_body()}

    def _list_exports(self, request):
        refs = [{"ExportArn": e.arn, "ExportName": e.name, "ExportStatus": e.status_body()}
                for e in self.exports.values()]
        return self._page(refs, request, "Exports")

    @staticmethod
    def _execution_status(status, reason, created):
        out = {"StatusCode": status, "CreatedAt": iso(created), "LastUpdatedAt": iso(created)}
        if status.endswith(("_SUCCESS", "_FAILURE")):
            out["CompletedAt"] = iso(created)
        if reason:
            out["StatusReason"] = reason
        return out

    def _list_executions(self, request):
        e = self._export(request.get("ExportArn"))
        refs = [{"ExecutionId": i, "ExecutionStatus": self._execution_status(s, r, c)} for i, s, r, c in e.executions]
        return self._page(refs, request, "Executions")

    def _get_execution(self, request):
        e = self._export(request.get("ExportArn"))
        for i, s, r, c in e.executions:
            if i == request.get("ExecutionId"):
                return {"ExecutionId": i, "Export": e.body(), "ExecutionStatus": self._execution_status(s, r, c)}
        raise ServiceError(400, "ResourceNotFoundException", f"execution {request.get('ExecutionId')} not found")


class CurReportsEmulator(_Json11Service):
    """The legacy Cost and Usage Report service (CUR 1.0): DescribeReportDefinitions, with each report's status."""
    target_prefix = "AWSOrigamiServiceGatewayService."

    def __init__(self):
        super().__init__()
        self.reports: list[dict] = []

    def operations(self) -> dict:
        return {"DescribeReportDefinitions": self._describe}

    def add_report(self, name: str, bucket: str, prefix: str = "reports/cur1", last_status: str | None = "SUCCESS"):
        report = {"ReportName": name, "TimeUnit": "DAILY", "Format": "Parquet", "Compression": "Parquet",
                  "AdditionalSchemaElements": ["RESOURCES", "SPLIT_COST_ALLOCATION_DATA"], "S3Bucket": bucket,
                  "S3Prefix": prefix, "S3Region": "us-east-1", "RefreshClosedReports": True,
                  "ReportVersioning": "OVERWRITE_REPORT", "AdditionalArtifacts": []}
        if last_status:
            report["ReportStatus"] = {"lastStatus": last_status,
                                      "lastDelivery": datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")}
        self.reports.append(report)

    def _describe(self, request):
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or 5)
        out = {"ReportDefinitions": self.reports[start:start + size]}
        if start + size < len(self.reports):
            out["NextToken"] = str(start + size)
        return out
