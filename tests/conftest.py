import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "tools"))

from costlink_tools.cfn_model import Stack, load_template  # noqa: E402

VALID = {
    "VendorAccountId": "999988887777",
    "ExternalId": "ext-Secret_9f8e7d6c5b4a",
    "CallbackUrl": "https://vendor.example.com/costlink/callback",
    "BucketName": "acme-costlink-cur",
}


@pytest.fixture(scope="session")
def template():
    return load_template(ROOT / "template.yaml")


@pytest.fixture
def stack(template):
    def make(region="us-east-1", **params):
        return Stack(template, {**VALID, **params}, region=region)
    return make


@pytest.fixture(scope="session")
def sam_built():
    """`sam build` once per session: the functions are run from its output, as `sam local invoke` runs them."""
    import subprocess
    result = subprocess.run(["sam", "build", "--region", "us-east-1"], cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return ROOT / ".aws-sam" / "build"


@pytest.fixture(scope="session")
def vendor_built():
    """`sam build --config-env vendor` once per session (vendor.yaml into .aws-sam/vendor)."""
    import subprocess
    result = subprocess.run(["sam", "build", "--config-env", "vendor"], cwd=ROOT, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return ROOT / ".aws-sam" / "vendor"


@pytest.fixture(scope="session")
def moto():
    from costlink_tools.moto_server import MotoServer
    server = MotoServer().start()
    yield server
    server.stop()
