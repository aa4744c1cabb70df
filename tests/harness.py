"""The end-to-end harness lives with the sandboxes, so benchmarks use it too."""
from talk_sandbox.harness import FIXTURES, ROOT, SECRETS, Talk  # noqa: F401
