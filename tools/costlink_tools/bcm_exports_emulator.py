"""Local BCM Data Exports and legacy Cost and Usage Report services: no AWS emulator (moto, LocalStack) implements
them, and the verifier reads export, execution and report status from them. Each speaks the real AWS JSON 1.1 protocol
of its service model (POST to `/`, `X-Amz-Target: <targetPrefix>.<Operation>`, target prefixes
AWSBillingAndCostManagementDataExports and AWSOrigamiServiceGatewayService; ISO-8601 timestamps, as the
bcm-data-exports model declares them; errors as `__type` plus the error shape's members, with `x-amzn-ErrorType`),
so the real SDK clients (boto3, AWS SDK for Java v2) talk to them unmodified.

Covered: CreateExport, DeleteExport, GetExport, ListExports, ListExecutions, GetExecution (ResourceNotFoundException for
an unknown export or execution, ValidationException for a missing ExportArn, a bad name or a bad NextToken,
ServiceQuotaExceededException beyond the documented 5 CUR 2.0 and 2 carbon exports per account);
PutReportDefinition, DeleteReportDefinition, DescribeReportDefinitions. An export or report is created in the account
that owns the calling access key when the emulator was told it (`accounts`), else in `default_account`. Any other
operation is a 400 UnknownOperationException; an unexpected failure is the service's 500 fault. Signed requests are
accepted without verifying their SigV4 signatures. Tests configure the services in Python: add exports, executions
and reports, or make the next calls of an operation fail with ThrottlingException to exercise retries.
"""
from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TERMINAL_EXECUTION_STATUSES = ("QUERY_FAILURE", "DELIVERY_SUCCESS", "DELIVERY_FAILURE")


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _Execution:
    id: str
    status: str
    reason: str | None
    created: datetime
    completed: datetime | None

    def status_body(self) -> dict:
        out = {"StatusCode": self.status, "CreatedAt": _iso(self.created),
               "LastUpdatedAt": _iso(self.completed or self.created)}
        if self.completed:
            out["CompletedAt"] = _iso(self.completed)
        if self.reason:
            out["StatusReason"] = self.reason
        return out


@dataclass
class _Export:
    arn: str
    name: str
    account: str
    table: str
    bucket: str
    prefix: str
    status: str
    reason: str | None
    created: datetime
    refreshed: datetime
    executions: list[_Execution] = field(default_factory=list)
    definition: dict | None = None  # the Export a CreateExport request gave, as given

    def body(self) -> dict:
        if self.definition:
            return {**self.definition, "ExportArn": self.arn}
        return {"ExportArn": self.arn, "Name": self.name,
                "DataQuery": {"QueryStatement": f"SELECT * FROM {self.table}", "TableConfigurations": {}},
                "DestinationConfigurations": {"S3Destination": {
                    "S3Bucket": self.bucket, "S3BucketOwner": self.account, "S3Prefix": self.prefix,
                    "S3Region": "us-east-1",
                    "S3OutputConfigurations": {"OutputType": "CUSTOM", "Format": "PARQUET", "Compression": "PARQUET",
                                               "Overwrite": "OVERWRITE_REPORT"}}},
                "RefreshCadence": {"Frequency": "SYNCHRONOUS"}}

    def status_body(self) -> dict:
        out = {"StatusCode": self.status, "CreatedAt": _iso(self.created), "LastUpdatedAt": _iso(self.created),
               "LastRefreshedAt": _iso(self.refreshed)}
        if self.reason:
            out["StatusReason"] = self.reason
        return out


class ServiceError(Exception):
    """An error answer: its `__type`, its message and any other members of the model's error shape."""

    def __init__(self, type_: str, message: str, status: int = 400, **members):
        super().__init__(message)
        self.type, self.status = type_, status
        self.payload = {"__type": type_, "Message": message, **members}


class _Json11Service:
    """An HTTP server on 127.0.0.1 answering one AWS JSON 1.1 service: `operations` maps names to handlers."""
    target_prefix = ""
    internal_error = ""  # the model's fault shape, answered with HTTP 500 when a handler fails unexpectedly

    def __init__(self, default_account: str = "111122223333"):
        self.calls: list[str] = []
        self.default_account = default_account
        self.accounts: dict[str, str] = {}  # access key id -> account, for the operations that create
        self._caller = threading.local()
        self._throttles: dict[str, int] = {}
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                key = re.search(r"Credential=([^/,\s]+)/", self.headers.get("Authorization", ""))
                service._caller.account = service.accounts.get(key.group(1) if key else "", service.default_account)
                try:
                    status, payload, headers = 200, service.handle(self.headers.get("X-Amz-Target", ""), raw), {}
                except ServiceError as e:
                    status, payload, headers = e.status, e.payload, {"x-amzn-ErrorType": e.type}
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
                for name, value in headers.items():
                    self.send_header(name, value)
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
        """Answer the next `times` calls of `operation` with ThrottlingException (HTTP 400), as a busy service does."""
        with self._lock:
            self._throttles[operation] = times

    def handle(self, target: str, raw: bytes) -> dict:
        prefix, _, operation = target.rpartition(".")
        handler = self.operations().get(operation) if prefix == self.target_prefix else None
        if handler is None:
            raise ServiceError("UnknownOperationException", f"{target!r} is not emulated")
        self.calls.append(operation)
        with self._lock:
            throttled = self._throttles.get(operation, 0) > 0
            if throttled:
                self._throttles[operation] -= 1
        if throttled:
            raise ServiceError("ThrottlingException", "Rate exceeded")
        try:
            return handler(json.loads(raw or b"{}"))
        except ServiceError:
            raise
        except Exception as e:
            raise ServiceError(self.internal_error, f"{operation} failed: {e!r}", status=500) from e

    @property
    def caller_account(self) -> str:
        return getattr(self._caller, "account", self.default_account)

    @staticmethod
    def _page(items: list, request: dict, key: str, default_size: int) -> dict:
        token = request.get("NextToken") or "0"
        if not token.isdigit():
            raise ServiceError("ValidationException", f"invalid NextToken {token!r}")
        start, size = int(token), int(request.get("MaxResults") or default_size)
        out = {key: items[start:start + size]}
        if start + size < len(items):
            out["NextToken"] = str(start + size)
        return out


class BcmExportsEmulator(_Json11Service):
    """BCM Data Exports (CUR 2.0 and carbon exports): the export's status and its executions."""
    target_prefix = "AWSBillingAndCostManagementDataExports"
    internal_error = "InternalServerException"

    QUOTAS = {"COST_AND_USAGE_REPORT": 5, "CARBON_EMISSIONS": 2}
    NAME = re.compile(r"[0-9A-Za-z\-_]{1,128}")
    TABLE = re.compile(r"\bFROM\s+([A-Z0-9_]+)", re.IGNORECASE)

    def __init__(self, page_size: int = 2, default_account: str = "111122223333"):
        super().__init__(default_account)
        self.page_size = page_size
        self.exports: dict[str, _Export] = {}

    def operations(self) -> dict:
        return {"GetExport": self._get_export, "ListExports": self._list_exports,
                "ListExecutions": self._list_executions, "GetExecution": self._get_execution,
                "CreateExport": self._create_export, "DeleteExport": self._delete_export}

    # ------------------------------------------------------------------ configuration by tests
    def add_export(self, name: str, account: str, table: str = "COST_AND_USAGE_REPORT", bucket: str = "b",
                   prefix: str = "reports/cur2", status: str = "HEALTHY", reason: str | None = None,
                   created: datetime | None = None, refreshed: datetime | None = None) -> str:
        """Add an export (table COST_AND_USAGE_REPORT or CARBON_EMISSIONS; status HEALTHY, or UNHEALTHY with a
        reason such as INSUFFICIENT_PERMISSION) and return its ARN."""
        arn = f"arn:aws:bcm-data-exports:us-east-1:{account}:export/{name}-{uuid.uuid4()}"
        self.exports[arn] = _Export(arn, name, account, table, bucket, prefix, status, reason,
                                    created or _now(), refreshed or _now())
        return arn

    def add_execution(self, export_arn: str, status: str = "DELIVERY_SUCCESS", reason: str | None = None,
                      created: datetime | None = None, completed: datetime | None = None,
                      execution_id: str | None = None) -> str:
        """Add a run of the export and return its id; a finished run (success or failure) is completed when created
        unless `completed` says otherwise."""
        created = created or _now()
        if completed is None and status in TERMINAL_EXECUTION_STATUSES:
            completed = created
        execution = _Execution(execution_id or str(uuid.uuid4()), status, reason, created, completed)
        self.exports[export_arn].executions.append(execution)
        return execution.id

    # ------------------------------------------------------------------ the service
    def _create_export(self, request: dict) -> dict:
        export = request.get("Export")
        if not isinstance(export, dict):
            raise ServiceError("ValidationException", "Export is required", Reason="fieldValidationFailed")
        missing = [m for m in ("Name", "DataQuery", "DestinationConfigurations", "RefreshCadence") if m not in export]
        if missing:
            raise ServiceError("ValidationException", f"Export is missing {', '.join(missing)}",
                               Reason="fieldValidationFailed")
        name = export["Name"]
        if not isinstance(name, str) or not self.NAME.fullmatch(name):
            raise ServiceError("ValidationException", "Export.Name must be 1-128 letters, digits, - or _",
                               Reason="fieldValidationFailed")
        table = self.TABLE.search(str(export["DataQuery"].get("QueryStatement", "")))
        if not table:
            raise ServiceError("ValidationException", "DataQuery.QueryStatement names no table",
                               Reason="fieldValidationFailed")
        account = self.caller_account
        mine = [e for e in self.exports.values() if e.account == account]
        if any(e.name == name for e in mine):
            raise ServiceError("ValidationException", "an export with this name already exists",
                               Reason="fieldValidationFailed")
        table = table.group(1).upper()
        if sum(1 for e in mine if e.table == table) >= self.QUOTAS.get(table, 5):
            raise ServiceError("ServiceQuotaExceededException", f"at most {self.QUOTAS.get(table, 5)} {table} exports",
                               QuotaCode="L-exports", ServiceCode="bcm-data-exports")
        dest = export["DestinationConfigurations"].get("S3Destination", {})
        arn = self.add_export(name, account, table=table, bucket=dest.get("S3Bucket", ""),
                              prefix=dest.get("S3Prefix", ""))
        definition = json.loads(json.dumps(export))
        definition["DestinationConfigurations"]["S3Destination"].setdefault("S3BucketOwner", account)
        self.exports[arn].definition = definition
        return {"ExportArn": arn}

    def _delete_export(self, request: dict) -> dict:
        export = self._export(request)
        del self.exports[export.arn]
        return {"ExportArn": export.arn}

    def _export(self, request: dict) -> _Export:
        arn = request.get("ExportArn")
        if not arn:
            raise ServiceError("ValidationException", "ExportArn is required", Reason="fieldValidationFailed")
        if arn not in self.exports:
            raise ServiceError("ResourceNotFoundException", f"Export {arn} not found", ResourceId=arn,
                               ResourceType="Export")
        return self.exports[arn]

    def _get_export(self, request: dict) -> dict:
        export = self._export(request)
        return {"Export": export.body(), "ExportStatus": export.status_body()}

    def _list_exports(self, request: dict) -> dict:
        refs = [{"ExportArn": e.arn, "ExportName": e.name, "ExportStatus": e.status_body()}
                for e in self.exports.values()]
        return self._page(refs, request, "Exports", self.page_size)

    def _list_executions(self, request: dict) -> dict:
        refs = [{"ExecutionId": x.id, "ExecutionStatus": x.status_body()} for x in self._export(request).executions]
        return self._page(refs, request, "Executions", self.page_size)

    def _get_execution(self, request: dict) -> dict:
        export = self._export(request)
        execution_id = request.get("ExecutionId")
        for execution in export.executions:
            if execution.id == execution_id:
                return {"ExecutionId": execution.id, "Export": export.body(),
                        "ExecutionStatus": execution.status_body()}
        raise ServiceError("ResourceNotFoundException", f"Execution {execution_id} not found",
                           ResourceId=str(execution_id), ResourceType="Execution")


class CurReportsEmulator(_Json11Service):
    """The legacy Cost and Usage Report service (CUR 1.0): DescribeReportDefinitions, with each report's status."""
    target_prefix = "AWSOrigamiServiceGatewayService"
    internal_error = "InternalErrorException"

    NAME = re.compile(r"[0-9A-Za-z!\-_.*'()]{1,256}")

    def __init__(self, default_account: str = "111122223333"):
        super().__init__(default_account)
        self.reports: list[dict] = []
        self.owners: dict[str, str] = {}  # report name -> account

    def operations(self) -> dict:
        return {"DescribeReportDefinitions": self._describe, "PutReportDefinition": self._put,
                "DeleteReportDefinition": self._delete}

    def _put(self, request: dict) -> dict:
        report = request.get("ReportDefinition")
        if not isinstance(report, dict):
            raise ServiceError("ValidationException", "ReportDefinition is required")
        missing = [m for m in ("ReportName", "TimeUnit", "Format", "Compression", "AdditionalSchemaElements",
                               "S3Bucket", "S3Prefix", "S3Region") if m not in report]
        if missing:
            raise ServiceError("ValidationException", f"ReportDefinition is missing {', '.join(missing)}")
        if not isinstance(report["ReportName"], str) or not self.NAME.fullmatch(report["ReportName"]):
            raise ServiceError("ValidationException", "ReportName must be letters, digits and !-_.*'()")
        if any(r["ReportName"] == report["ReportName"] for r in self.reports):
            raise ServiceError("DuplicateReportNameException", "a report with this name already exists")
        self.reports.append(json.loads(json.dumps(report)))
        self.owners[report["ReportName"]] = self.caller_account
        return {}

    def _delete(self, request: dict) -> dict:
        name = request.get("ReportName")
        before = len(self.reports)
        self.reports = [r for r in self.reports if r["ReportName"] != name]
        self.owners.pop(name, None)
        return {"ResponseMessage": "deleted" if len(self.reports) < before else "no such report"}

    def add_report(self, name: str, bucket: str, prefix: str = "reports/cur1", last_status: str | None = "SUCCESS"):
        report = {"ReportName": name, "TimeUnit": "DAILY", "Format": "Parquet", "Compression": "Parquet",
                  "AdditionalSchemaElements": ["RESOURCES", "SPLIT_COST_ALLOCATION_DATA"], "S3Bucket": bucket,
                  "S3Prefix": prefix, "S3Region": "us-east-1", "RefreshClosedReports": True,
                  "ReportVersioning": "OVERWRITE_REPORT", "AdditionalArtifacts": []}
        if last_status:
            report["ReportStatus"] = {"lastStatus": last_status, "lastDelivery": _now().strftime("%Y%m%dT%H%M%SZ")}
        self.reports.append(report)

    def _describe(self, request: dict) -> dict:
        return self._page(self.reports, request, "ReportDefinitions", 5)
