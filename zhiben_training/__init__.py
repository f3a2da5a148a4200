"""zhiben-training: train and assess the people who run Tianjin's construction enterprises.

The public API is deliberately small; most modules are private to the package and may change.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
