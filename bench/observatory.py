"""`make observatory`: MDN HTTP Observatory's grade for Broadsheet as production serves it.

The Observatory scans a host name on ports 80 and 443, so this starts Broadsheet with production
settings (HTTPS on, DEBUG off) on granian twice: TLS on 443 with a certificate for `localhost`
from a certificate authority made for the run, and plain HTTP on 80, which must redirect. The
scanner (npm @mdn/mdn-http-observatory, pinned in bench/tools/observatory/) trusts that authority
through NODE_EXTRA_CA_CERTS. Needs root for the two ports; exits non-zero below grade A.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.serving import ROOT, Processes, broadsheet_command, production_environment, wait_for_http

SCANNER = ROOT / "bench/tools/observatory/node_modules/@mdn/mdn-http-observatory"
HOST = "localhost"
PASSING_GRADES = ("A+", "A")


def certificate_authority(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway authority and its certificate for `localhost`: (authority, cert, key)."""

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    ca_key, ca_cert = folder / "ca.key", folder / "ca.pem"
    key, request, cert = folder / "server.key", folder / "server.csr", folder / "server.pem"
    extensions = folder / "server.ext"
    extensions.write_text(f"subjectAltName=DNS:{HOST},IP:127.0.0.1\n")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ca_key)
    openssl(
        "req", "-x509", "-new", "-key", ca_key, "-days", "2", "-subj", "/CN=Broadsheet scan CA",
        "-out", ca_cert,
    )  # fmt: skip
    # granian reads PKCS#8 keys only, which is what genpkey writes.
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    openssl("req", "-new", "-key", key, "-subj", f"/CN={HOST}", "-out", request)
    openssl(
        "x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
        "-days", "2", "-extfile", extensions, "-out", cert,
    )  # fmt: skip
    return ca_cert, cert, key


def main() -> int:
    if not SCANNER.exists():
        print("The scanner is not installed: run `make observatory`.", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("The Observatory scans ports 80 and 443: run this as root.", file=sys.stderr)
        return 2
    preload = SCANNER / "conf" / "hsts-preload.json"
    if not preload.exists():
        # The scanner's install step downloads Chromium's HSTS preload list, which only public
        # hosts are on; `make observatory` skips install steps (one also builds a PostgreSQL
        # client the command line scanner never uses), so localhost gets an empty list.
        preload.write_text("{}")
    scratch = Path(tempfile.mkdtemp(prefix="broadsheet-observatory-"))
    processes = Processes(scratch)
    env = production_environment(scratch) | {"HTTPS": "true", "ALLOWED_HOSTS": HOST}
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True)
    authority, cert, key = certificate_authority(scratch)
    tls = broadsheet_command(443, workers=1) + ["--ssl-certificate", str(cert)]
    tls += ["--ssl-keyfile", str(key)]
    servers = {
        "https": processes.start("https", tls, env=env),
        "http": processes.start("http", broadsheet_command(80, workers=1), env=env),
    }
    wait_for_http(f"http://{HOST}/healthz", process=servers["http"])
    print(f"Broadsheet (production settings) on https://{HOST}/ and http://{HOST}/; scanning")
    scan = subprocess.run(
        ["node", str(SCANNER / "src" / "scan.js"), HOST],
        env=os.environ | {"NODE_EXTRA_CA_CERTS": str(authority)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    processes.stop_all()
    try:
        report = json.loads(scan.stdout)
    except json.JSONDecodeError:
        print(f"The scanner did not answer in JSON:\n{scan.stdout}{scan.stderr}", file=sys.stderr)
        return 1
    if "error" in report:
        print(f"The scan failed: {report['error']}", file=sys.stderr)
        return 1
    summary = report["scan"]
    print(
        f"Observatory grade {summary['grade']}, score {summary['score']}/100 "
        f"({summary['testsPassed']} of {summary['testsQuantity']} tests passed)"
    )
    for name, test in sorted(report["tests"].items()):
        mark = "pass" if test["pass"] else "FAIL"
        print(f"  {mark}  {name:<32} {test['scoreModifier']:+4d}  {test['result']}")
    return 0 if summary["grade"] in PASSING_GRADES else 1


if __name__ == "__main__":
    sys.exit(main())
