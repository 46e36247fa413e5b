"""The read-and-scan floor: read every `.tf` file of a tree and regex-scan it for the headers
of TLS resources, in one Python process.

No linter can do less and still look at every file: it is the yardstick for a cold
`certfit --recursive` (issue 10 asks for at most 2.5 times this). It walks like certfit does
(skipping `.terraform`, `.git` and other hidden or vendored directories) and reads bytes, so
decoding, parsing and evaluation are what certfit adds on top.
Run: `python -m benchmarks.floor DIR` (prints a JSON line with files, bytes, headers found).
"""

from __future__ import annotations

import json
import os
import re
import sys

_SKIP_DIRS = {".terraform", ".git", "node_modules", ".venv", "cdk.out", "__pycache__"}
TLS_HEADER = re.compile(
    rb'^[ \t]*(?:resource|data)[ \t]+"?(aws_acm_certificate|aws_lb_listener|aws_alb_listener'
    rb"|aws_lb_listener_certificate|aws_elb|aws_iam_server_certificate|tls_private_key"
    rb"|tls_self_signed_cert|aws_cloudfront_distribution|aws_api_gateway_domain_name"
    rb'|aws_apigatewayv2_domain_name)"?[ \t]',
    re.M,
)


def scan(root: str) -> dict[str, int]:
    files = total = headers = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if not name.endswith(".tf"):
                continue
            with open(os.path.join(dirpath, name), "rb") as fh:
                data = fh.read()
            files += 1
            total += len(data)
            headers += len(TLS_HEADER.findall(data))
    return {"files": files, "bytes": total, "tls_headers": headers}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(json.dumps(scan(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
