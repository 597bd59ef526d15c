"""The one declared catalogue of CostLink's metrics (functions/common/.../metrics.json), as the Python tools read it.

dev.costlink.common.Metrics refuses to emit anything this file does not declare, with exactly the dimension sets it
declares; the vendor stack's alarms and dashboard are checked against (and the dashboard generated from) the same file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .cfn_model import ROOT

CATALOG_PATH = ROOT / "functions" / "common" / "src" / "main" / "resources" / "dev" / "costlink" / "common" / "metrics.json"

# Who emits what, and where it lands: the vendor's functions write to the vendor account's CloudWatch (alarms and the
# dashboard can use them); the connection stack's functions run in each customer's account, whose CloudWatch the
# vendor never sees. Every `emittedBy` of the catalogue must be one of these (a test says so).
VENDOR_EMITTERS = {"registry": "RegistryFunction", "verifier-schedule": "VerifierScheduleFunction",
                   "verifier-worker": "VerifierWorkerFunction"}
CUSTOMER_EMITTERS = {"delivery-detector": "DeliveryDetectorFunction", "connection-callback": "ConnectionCallbackFunction"}


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    dimension_sets: tuple[frozenset[str], ...]
    emitted_by: str

    @property
    def in_vendor_account(self) -> bool:
        return self.emitted_by in VENDOR_EMITTERS


@dataclass(frozen=True)
class MetricCatalog:
    namespace: str
    metrics: dict[str, Metric]

    @classmethod
    def load(cls, path: Path = CATALOG_PATH) -> "MetricCatalog":
        return cls.parse(json.loads(Path(path).read_text()))

    @classmethod
    def parse(cls, doc: dict) -> "MetricCatalog":
        metrics = {name: Metric(name, m["unit"], tuple(frozenset(s) for s in m["dimensionSets"]), m["emittedBy"])
                   for name, m in doc["metrics"].items()}
        return cls(doc["namespace"], metrics)

    def declares(self, name: str, dimension_keys) -> bool:
        """True when CloudWatch will hold `name` with exactly these dimension keys (one of its declared sets)."""
        metric = self.metrics.get(name)
        return metric is not None and frozenset(dimension_keys) in metric.dimension_sets

    def metric(self, name: str) -> Metric:
        if name not in self.metrics:
            raise KeyError(f"metric {name} is not declared in {CATALOG_PATH.name}")
        return self.metrics[name]
