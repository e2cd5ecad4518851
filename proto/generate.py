"""Regenerate the Python protocol code in src/hearth/v1 from proto/hearth/v1/*.proto.

The generated code is kept in the repository so that a service image needs no
compiler; tests/test_protocol.py regenerates into a temporary folder and fails
when the committed files are stale. Run: python proto/generate.py
"""

from __future__ import annotations

import sys
from pathlib import Path

PROTO_ROOT = Path(__file__).resolve().parent
DEFAULT_OUT = PROTO_ROOT.parent / "src"


def generate(out_dir: Path = DEFAULT_OUT) -> None:
    """Compile every .proto under proto/hearth into out_dir (messages, stubs and type hints)."""
    from grpc_tools import protoc  # only developers need grpcio-tools

    protos = sorted(
        str(p.relative_to(PROTO_ROOT)) for p in (PROTO_ROOT / "hearth").rglob("*.proto")
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *protos,
    ]
    import grpc_tools

    args.insert(1, f"-I{Path(grpc_tools.__file__).parent / '_proto'}")
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    package_init = out_dir / "hearth" / "v1" / "__init__.py"
    if not package_init.exists():
        package_init.write_text(
            '"""Generated protocol code: do not edit; run python proto/generate.py."""\n'
        )


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
