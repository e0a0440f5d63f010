"""Makes the helpers beside the tests (k8slib, nginx_sandbox) importable in any pytest import mode."""
import sys
from pathlib import Path

_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.insert(0, _here)
