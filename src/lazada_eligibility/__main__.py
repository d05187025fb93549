"""``python -m lazada_eligibility``: the command line."""

from .cli import run

run()
