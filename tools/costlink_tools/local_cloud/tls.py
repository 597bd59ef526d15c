"""HTTPS for local function URLs. The connection stack accepts only an https:// CallbackUrl, as it must; the local
function URL therefore serves TLS with a certificate made for 127.0.0.1 at start, and the functions' JVMs trust it
(and nothing else) through a PKCS12 trust store made with the JDK's keytool, as Lambda's runtime trusts the public CAs
that sign a real lambda-url.us-east-1.on.aws certificate."""
from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

STORE_PASSWORD = "costlink-local"  # protects nothing: the trust store holds one public certificate


@dataclass
class LocalTls:
    directory: Path
    cert: Path
    key: Path
    trust_store: Path

    @classmethod
    def create(cls) -> "LocalTls":
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        directory = Path(tempfile.mkdtemp(prefix="costlink-tls-"))
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CostLink local function URL")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=7))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                               critical=False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        cert_path, key_path = directory / "cert.pem", directory / "key.pem"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        os.chmod(key_path, 0o600)
        store = directory / "trust.p12"
        keytool = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "keytool"
        subprocess.run([str(keytool), "-importcert", "-noprompt", "-alias", "costlink-local", "-file", str(cert_path),
                        "-keystore", str(store), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD],
                       check=True, capture_output=True)
        return cls(directory, cert_path, key_path, store)

    def jvm_options(self) -> list[str]:
        return [f"-Djavax.net.ssl.trustStore={self.trust_store}", "-Djavax.net.ssl.trustStoreType=PKCS12",
                f"-Djavax.net.ssl.trustStorePassword={STORE_PASSWORD}"]

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))
