"""``python -m zhiben_training`` is the same as ``zhiben``."""

from zhiben_training.cli import run

run()
